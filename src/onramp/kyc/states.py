"""KYC case statuses and the moves between them (pure: no I/O).

::

    pending ──vendor──> approved | rejected | needs_more_info | expired
    needs_more_info ──customer resubmits──> pending
    approved ──review period ends──> expired
    approved ──vendor revokes (fraud found later)──> rejected

``rejected`` and ``expired`` are final for the case: a refresh after expiry opens a new case, a
rejection is for a person (support) to look at.
"""

from __future__ import annotations

from enum import StrEnum

from onramp.kyc.errors import KycTransitionInvalid


class KycStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    NEEDS_MORE_INFO = "needs_more_info"
    EXPIRED = "expired"


# A case in one of these is the customer's open case: at most one per customer.
OPEN_STATUSES = frozenset({KycStatus.PENDING, KycStatus.NEEDS_MORE_INFO})

TRANSITIONS: dict[KycStatus, frozenset[KycStatus]] = {
    KycStatus.PENDING: frozenset(
        {
            KycStatus.APPROVED,
            KycStatus.REJECTED,
            KycStatus.NEEDS_MORE_INFO,
            KycStatus.EXPIRED,
        }
    ),
    KycStatus.NEEDS_MORE_INFO: frozenset({KycStatus.PENDING}),
    KycStatus.APPROVED: frozenset({KycStatus.EXPIRED, KycStatus.REJECTED}),
    KycStatus.REJECTED: frozenset(),
    KycStatus.EXPIRED: frozenset(),
}


def can_move(current: KycStatus, target: KycStatus) -> bool:
    return target in TRANSITIONS[current]


def check_move(current: KycStatus, target: KycStatus) -> None:
    if not can_move(current, target):
        raise KycTransitionInvalid(f"a KYC case cannot go from {current} to {target}")
