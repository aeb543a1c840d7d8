"""The KYC side of a re-screen: the verified names (with date of birth and nationality) of
approved cases, in case-id order. A hit is an alert in the customer's case; the money it stops is
stopped where money moves (the deposit screen, the payout check)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance.rescreen import RescreenHit, RescreenSubject
from onramp.kyc.models import KycCase
from onramp.kyc.states import KycStatus


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
