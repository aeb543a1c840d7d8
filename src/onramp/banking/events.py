"""Events the banking domain emits."""

from onramp.core.events import subject_for

SOURCE = "onramp/banking"
DEPOSIT_RECEIVED = subject_for("banking", "deposit_received")
DEPOSIT_MATCHED = subject_for("banking", "deposit_matched")
DEPOSIT_UNMATCHED = subject_for("banking", "deposit_unmatched")
MICRO_DEPOSITS_REQUESTED = subject_for("banking", "micro_deposits_requested")
DEPOSIT_REVERSAL_RECEIVED = subject_for("banking", "deposit_reversal_received")
DEPOSIT_RETURNED = subject_for("banking", "deposit_returned")
REFUND_REQUESTED = subject_for("banking", "refund_requested")
REFUND_SENT = subject_for("banking", "refund_sent")
REFUND_COMPLETED = subject_for("banking", "refund_completed")
REFUND_FAILED = subject_for("banking", "refund_failed")
