"""``onramp.kyc.case_decided.v1``: a KYC case was approved or rejected (by the vendor's verdict
or a compliance decision on a held case), written to the outbox with the decision; the mailer's
``account_emails`` consumer tells the customer. Never the reasons: only the outcome."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.events import subject_for
from onramp.core.outbox import emit
from onramp.kyc.models import KycCase

KYC_CASE_DECIDED = subject_for("kyc", "case_decided")


async def announce_decision(session: AsyncSession, case: KycCase) -> None:
    await emit(
        session,
        KYC_CASE_DECIDED,
        {
            "user_id": str(case.customer_id),
            "case_id": str(case.id),
            "status": case.status,
            "tier": case.tier_granted,
        },
        source="onramp/kyc",
        entity_id=str(case.id),
    )
