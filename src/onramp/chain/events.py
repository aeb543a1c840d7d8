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
# A condition of the vault or the token (paused, its 24 h cap or balance used up), or in
# production no sanctions list current enough to check destinations, holds payouts
# back, queued; and the condition passed. For the operators' alerts: nothing fails meanwhile.
PAYOUTS_WAITING = subject_for("chain", "payouts_waiting")
PAYOUTS_RESUMED = subject_for("chain", "payouts_resumed")
