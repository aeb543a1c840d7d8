"""The order state machine, as data. Anything not listed here is an illegal transition."""

from __future__ import annotations

from enum import StrEnum

from onramp.core.errors import Conflict


class OrderState(StrEnum):
    AWAITING_FUNDS = "awaiting_funds"
    FUNDS_RECEIVED = "funds_received"
    SCREENING = "screening"
    MANUAL_REVIEW = "manual_review"
    PRICED = "priced"
    PAYOUT_QUEUED = "payout_queued"
    PAYOUT_BROADCAST = "payout_broadcast"
    COMPLETED = "completed"
    REJECTED = "rejected"
    REFUND_PENDING = "refund_pending"
    REFUNDED = "refunded"
    EXPIRED = "expired"
    FAILED = "failed"


S = OrderState
TRANSITIONS: dict[OrderState, frozenset[OrderState]] = {
    S.AWAITING_FUNDS: frozenset({S.FUNDS_RECEIVED, S.EXPIRED}),
    S.FUNDS_RECEIVED: frozenset({S.SCREENING}),
    S.SCREENING: frozenset({S.PRICED, S.MANUAL_REVIEW, S.REJECTED}),
    # PAYOUT_QUEUED: a payout held after pricing (pre-sign check, list update) is released.
    S.MANUAL_REVIEW: frozenset({S.PRICED, S.PAYOUT_QUEUED, S.REJECTED}),
    S.PRICED: frozenset({S.PAYOUT_QUEUED}),
    # MANUAL_REVIEW: the pre-sign sanctions check or a list update held the payout.
    # REJECTED: the bank took the deposit back before the payout was signed.
    S.PAYOUT_QUEUED: frozenset({S.PAYOUT_BROADCAST, S.FAILED, S.MANUAL_REVIEW, S.REJECTED}),
    # PAYOUT_QUEUED: the batch reverted when mined (a passing condition): a new attempt.
    S.PAYOUT_BROADCAST: frozenset({S.COMPLETED, S.FAILED, S.PAYOUT_QUEUED}),
    S.REJECTED: frozenset({S.REFUND_PENDING}),
    S.REFUND_PENDING: frozenset({S.REFUNDED}),
    S.COMPLETED: frozenset(),
    S.REFUNDED: frozenset(),
    S.EXPIRED: frozenset(),
    # The operator's way out of a failed payout, each with four eyes (orders/operator_actions):
    # PAYOUT_QUEUED, the payout retried as a new attempt; REJECTED, the conversion reversed and
    # the fiat refunded (then REFUND_PENDING, REFUNDED as for any rejection).
    S.FAILED: frozenset({S.PAYOUT_QUEUED, S.REJECTED}),
}
TERMINAL = frozenset(state for state, targets in TRANSITIONS.items() if not targets)


class IllegalTransition(Conflict):
    code = "order_illegal_transition"
    title = "The order cannot move to that state from its current state"


def check_transition(current: OrderState, target: OrderState) -> None:
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(f"{current} -> {target} is not allowed")
