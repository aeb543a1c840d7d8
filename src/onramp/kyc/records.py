"""The person's KYC data as a data subject sees it (export) and as retention ends it (purge).

KYC records are AML records: an erasure request does not remove them; the retention purge
(``onramp.casework.privacy.purge_expired``) drops their personal data once the retention period
is over, keeping the decisions (status, tiers, reasons, dates) for the books.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.keys import opened_row, sealed_column_keys
from onramp.kyc.models import KycCase, KycUbo
from onramp.kyc.states import KycStatus


@dataclass(frozen=True)
class VerifiedIdentity:
    """Who a customer is, as their current approved KYC case says (for the travel rule's
    originator data). Fields are None once the retention purge dropped them."""

    case_id: uuid.UUID
    tier: int
    given_names: str | None
    surname: str | None
    nationality: str | None
    address: dict[str, Any] | None
    # A business customer (KYB, tier 3): the company's legal name; nationality is then the
    # country of incorporation and the address the registered one.
    legal_name: str | None = None

    @property
    def name(self) -> str | None:
        if self.legal_name:
            return self.legal_name
        return " ".join(n for n in (self.given_names, self.surname) if n) or None

    @property
    def countries(self) -> frozenset[str]:
        """Nationality and country of residence (ISO 3166-1 alpha-2), as monitoring compares."""
        found = {self.nationality} if self.nationality else set()
        country = (self.address or {}).get("country")
        if isinstance(country, str):
            found.add(country)
        return frozenset(c.upper() for c in found)


async def verified_identity(
    session: AsyncSession, *, customer_id: uuid.UUID, now: datetime
) -> VerifiedIdentity | None:
    """The identity from the customer's highest approved, unexpired case; None when there is
    none (identity not verified, or its review date passed)."""
    case = await session.scalar(
        select(KycCase)
        .where(
            KycCase.customer_id == customer_id,
            KycCase.status == KycStatus.APPROVED.value,
            KycCase.expires_at > now,
        )
        .order_by(KycCase.tier_granted.desc(), KycCase.id.desc())
        .limit(1)
    )
    if case is None:
        return None
    return _identity(case)


def _identity(case: KycCase) -> VerifiedIdentity:
    return VerifiedIdentity(
        case_id=case.id,
        tier=case.tier_granted,
        given_names=case.given_names,
        surname=case.surname,
        nationality=case.incorporation_country if case.kind == "business" else case.nationality,
        address=None if case.address is None else dict(orjson.loads(case.address)),
        legal_name=case.legal_name,
    )


class ApprovedCases:
    """Several customers' approved cases, read once for a batch (``approved_cases``): the
    identity ``verified_identity`` and the tier ``tier_of`` would give at any time from the
    read's ``since`` on, each case's sealed fields opened once however often it is asked."""

    def __init__(self, cases: Sequence[KycCase], since: datetime) -> None:
        self._since = since
        self._cases: dict[uuid.UUID, list[KycCase]] = {}
        # The order verified_identity picks in: the highest tier, then the newest case.
        for case in sorted(cases, key=lambda c: (c.tier_granted, c.id.bytes), reverse=True):
            self._cases.setdefault(case.customer_id, []).append(case)
        self._opened: dict[uuid.UUID, VerifiedIdentity] = {}

    def _valid(self, customer_id: uuid.UUID, at: datetime) -> list[KycCase]:
        if at < self._since:
            raise ValueError("asked about a time before the cases were read for")
        return [
            c
            for c in self._cases.get(customer_id, ())
            if c.expires_at is not None and c.expires_at > at
        ]

    def identity(self, customer_id: uuid.UUID, at: datetime) -> VerifiedIdentity | None:
        """As ``verified_identity(customer_id=..., now=at)``."""
        valid = self._valid(customer_id, at)
        if not valid:
            return None
        case = valid[0]
        if case.id not in self._opened:
            self._opened[case.id] = _identity(case)
        return self._opened[case.id]

    def tier(self, customer_id: uuid.UUID, at: datetime) -> int:
        """As ``tier_of(customer_id, at)``: cases held by compliance grant nothing."""
        held_not = [c.tier_granted for c in self._valid(customer_id, at) if c.hold_reason is None]
        return max(held_not, default=0)


async def approved_cases(
    session: AsyncSession, *, customer_ids: Collection[uuid.UUID], since: datetime
) -> ApprovedCases:
    """The customers' approved cases still valid at ``since``, in one query."""
    rows = await session.scalars(
        select(KycCase).where(
            KycCase.customer_id.in_(sorted(set(customer_ids))),
            KycCase.status == KycStatus.APPROVED.value,
            KycCase.expires_at > since,
        )
    )
    return ApprovedCases(rows.all(), since)


async def export_cases(session: AsyncSession, *, customer_id: uuid.UUID) -> list[dict[str, Any]]:
    """Each case opened, a business case with the beneficial owners it declared."""
    rows = (
        await session.scalars(
            select(KycCase).where(KycCase.customer_id == customer_id).order_by(KycCase.id)
        )
    ).all()
    ubos = (
        await session.scalars(
            select(KycUbo)
            .where(KycUbo.customer_id == customer_id)
            .order_by(KycUbo.attempt, KycUbo.position)
        )
    ).all()
    exported = []
    for case in rows:
        item = opened_row(case)
        if case.kind == "business":
            item["ubos"] = [opened_row(u) for u in ubos if u.case_id == case.id]
        exported.append(item)
    return exported


async def purge_personal_data(session: AsyncSession, *, customer_ids: list[uuid.UUID]) -> int:
    """Drop the sealed personal data of these customers' cases; return how many changed."""
    if not customer_ids:
        return 0
    cases = await session.execute(
        update(KycCase)
        .where(
            KycCase.customer_id.in_(customer_ids),
            or_(
                KycCase.surname.sealed_column.is_not(None),
                KycCase.legal_name.sealed_column.is_not(None),
            ),
        )
        .values(dict.fromkeys(sorted(sealed_column_keys(KycCase))))
    )
    owners = await session.execute(
        update(KycUbo)
        .where(KycUbo.customer_id.in_(customer_ids), KycUbo.surname.sealed_column.is_not(None))
        .values(dict.fromkeys(sorted(sealed_column_keys(KycUbo))))
    )
    return int(cases.rowcount or 0) + int(owners.rowcount or 0)  # type: ignore[attr-defined]
