from onramp.core.events import subject_for

SOURCE = "onramp/chain"
PAYOUT_QUEUED = subject_for("chain", "payout_queued")
PAYOUT_BROADCAST = subject_for("chain", "payout_broadcast")
PAYOUT_CONFIRMED = subject_for("chain", "payout_confirmed")
PAYOUT_FAILED = subject_for("chain", "payout_failed")
PAYOUT_HELD = subject_for("chain", "payout_held")
# A batch mined but reverted (a condition of the vault or token at mining time): its payouts are
# queued again as new attempts; the vault's once-per-order-id check guards against paying twice.
PAYOUT_REQUEUED = subject_for("chain", "payout_requeued")
