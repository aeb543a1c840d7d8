from onramp.core.events import subject_for

SOURCE = "onramp/chain"
PAYOUT_QUEUED = subject_for("chain", "payout_queued")
PAYOUT_BROADCAST = subject_for("chain", "payout_broadcast")
PAYOUT_CONFIRMED = subject_for("chain", "payout_confirmed")
PAYOUT_FAILED = subject_for("chain", "payout_failed")
PAYOUT_HELD = subject_for("chain", "payout_held")
