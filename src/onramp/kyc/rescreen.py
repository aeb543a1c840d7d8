"""The KYC side of a re-screen: the verified names (with date of birth and nationality) of
approved cases, in case-id order. A hit is an alert in the customer's case; the money it stops is
stopped where money moves (the deposit screen, the payout check)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance import RescreenHit, RescreenSubject
from onramp.kyc.models import KycCase, KycUbo
from onramp.kyc.states import KycStatus
from onramp.kyc.ubo_screening import SUBJECT, hold_for_hit

ACTOR = "system:rescreen"
LIVE_STATUSES = (
    KycStatus.PENDING.value,
    KycStatus.NEEDS_MORE_INFO.value,
    KycStatus.APPROVED.value,
)


class VerifiedNames:
    name = "kyc_names"

    async def subjects(
        self, session: AsyncSession, *, after: str | None, limit: int
    ) -> Sequence[RescreenSubject]:
        query = select(KycCase).where(
            KycCase.status == KycStatus.APPROVED.value,
            KycCase.surname.sealed_column.is_not(None),
        )
        if after is not None:
            query = query.where(KycCase.id > uuid.UUID(after))
        rows = await session.scalars(query.order_by(KycCase.id).limit(limit))
        return [
            RescreenSubject(
                key=str(case.id),
                customer_id=case.customer_id,
                subject_type="kyc_case",
                subject_id=str(case.id),
                name=f"{case.given_names or ''} {case.surname or ''}".strip(),
                date_of_birth=case.date_of_birth,
                country=case.nationality,
            )
            for case in rows
        ]

    async def on_hits(
        self, session: AsyncSession, hits: Sequence[RescreenHit], *, now: datetime
    ) -> None:
        return None  # the alert is the effect


class KybOwners:
    """The beneficial owners of business cases that are open or approved (their latest attempt).
    A hit holds the case: an open one cannot be approved automatically, an approved one stops
    granting its tier (``tier_of`` ignores held cases) until compliance decides, and a
    ``kyc`` / ``ubo_sanctions_hit`` alert is raised as at submission."""

    name = "kyb_owners"

    async def subjects(
        self, session: AsyncSession, *, after: str | None, limit: int
    ) -> Sequence[RescreenSubject]:
        query = (
            select(KycUbo)
            .join(KycCase, KycCase.id == KycUbo.case_id)
            .where(
                KycCase.kind == "business",
                KycCase.status.in_(LIVE_STATUSES),
                KycUbo.attempt == KycCase.attempts,
                KycUbo.surname.sealed_column.is_not(None),
            )
        )
        if after is not None:
            query = query.where(KycUbo.id > uuid.UUID(after))
        rows = await session.scalars(query.order_by(KycUbo.id).limit(limit))
        return [
            RescreenSubject(
                key=str(ubo.id),
                customer_id=ubo.customer_id,
                subject_type=SUBJECT,
                subject_id=str(ubo.id),
                name=f"{ubo.given_names or ''} {ubo.surname or ''}".strip(),
                date_of_birth=ubo.date_of_birth,
                country=ubo.nationality,
            )
            for ubo in rows
        ]

    async def on_hits(
        self, session: AsyncSession, hits: Sequence[RescreenHit], *, now: datetime
    ) -> None:
        for hit in hits:
            ubo = await session.get(KycUbo, uuid.UUID(hit.subject.subject_id))
            case = None if ubo is None else await session.get(KycCase, ubo.case_id)
            if ubo is None or case is None:
                continue
            await hold_for_hit(
                session, case=case, ubo=ubo, finding=hit.finding, now=now, actor=ACTOR
            )
