"""Compliance decisions on held KYC cases (a business whose owner hit the sanctions lists):
released, the case goes on as the vendor decided; rejected, it is rejected. Each is audited with
the officer's reason; the case decision that calls these is audited by case work."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.audit import record
from onramp.kyc.decision_events import announce_decision
from onramp.kyc.models import KycCase
from onramp.kyc.states import KycStatus
from onramp.kyc.ubo_screening import UNDER_REVIEW

ENTITY = "kyc_case"
COMPLIANCE_REJECTED = "COMPLIANCE_REJECTED"


async def held_cases(session: AsyncSession, customer_id: uuid.UUID) -> list[KycCase]:
    rows = await session.scalars(
        select(KycCase)
        .where(KycCase.customer_id == customer_id, KycCase.hold_reason.is_not(None))
        .order_by(KycCase.id)
        .with_for_update()
    )
    return list(rows.all())


def _vendor_approved(case: KycCase) -> bool:
    """Held when the vendor's approval arrived: pending, shown to the customer as under review."""
    return case.status == KycStatus.PENDING.value and case.reasons == [UNDER_REVIEW]


async def release_holds(
    session: AsyncSession,
    customer_id: uuid.UUID,
    *,
    actor: str,
    reason: str,
    now: datetime,
    review_period_days: int,
) -> list[uuid.UUID]:
    """Lift the customer's holds that a decision can lift: an approved case regains its tier,
    a case the vendor approved while held is approved now. A case still waiting for the vendor
    keeps its hold (the owners are screened again at its verdict); it is not returned."""
    released = []
    for case in await held_cases(session, customer_id):
        previous = case.status
        if _vendor_approved(case):
            case.status = KycStatus.APPROVED.value
            case.reasons = []
            case.tier_granted = case.tier_requested
            case.reviewed_at = now
            case.expires_at = now + timedelta(days=review_period_days)
        elif case.status != KycStatus.APPROVED.value:
            continue
        held_for = case.hold_reason
        case.hold_reason = None
        released.append(case.id)
        if previous != case.status:  # the vendor's approval, held until now, takes effect
            await announce_decision(session, case)
        await record(
            session,
            actor=actor,
            action="kyc.case_hold_released",
            entity_type=ENTITY,
            entity_id=str(case.id),
            data={
                "customer_id": str(customer_id),
                "from": previous,
                "status": case.status,
                "hold_reason": held_for,
                "tier_granted": case.tier_granted,
                "reason": reason,
            },
        )
    await session.flush()
    return released


async def reject_held(
    session: AsyncSession, customer_id: uuid.UUID, *, actor: str, reason: str, now: datetime
) -> list[uuid.UUID]:
    """The customer's held cases are rejected (final): no tier from them."""
    rejected = []
    for case in await held_cases(session, customer_id):
        if case.status not in (KycStatus.PENDING.value, KycStatus.APPROVED.value):
            continue
        previous = case.status
        case.status = KycStatus.REJECTED.value
        case.reasons = [COMPLIANCE_REJECTED]
        case.tier_granted = 0
        case.reviewed_at = now
        case.expires_at = None
        rejected.append(case.id)
        await announce_decision(session, case)
        await record(
            session,
            actor=actor,
            action="kyc.case_rejected_by_compliance",
            entity_type=ENTITY,
            entity_id=str(case.id),
            data={
                "customer_id": str(customer_id),
                "from": previous,
                "hold_reason": case.hold_reason,
                "reason": reason,
            },
        )
    await session.flush()
    return rejected
