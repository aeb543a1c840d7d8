"""The vendor's verdicts: each notification stored once per vendor event id, its verdict applied
to the case it names, a business's approval held while its owners' sanctions screen has a hit.

Services take ``session`` as a keyword argument, may flush, and never commit. Every decision is
written to the audit log with its reasons (codes, never personal data).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance import ListMatchers
from onramp.core.audit import record
from onramp.core.ids import uuid7
from onramp.core.settings import KycSettings
from onramp.kyc.adapters.base import VendorNotice, VendorVerdict
from onramp.kyc.decision_events import announce_decision
from onramp.kyc.errors import KycCaseNotFound, MalformedKycNotification
from onramp.kyc.models import KycCase, KycVendorEvent
from onramp.kyc.service import BUSINESS, ENTITY
from onramp.kyc.states import KycStatus, can_move
from onramp.kyc.ubo_screening import UBO_SANCTIONS_HIT, UNDER_REVIEW, screen_case_ubos

Outcome = Literal["applied", "duplicate", "stale", "ignored"]


@dataclass(frozen=True)
class NoticeOutcome:
    outcome: Outcome
    case_id: uuid.UUID | None = None


async def apply_notice(
    session: AsyncSession,
    *,
    vendor: str,
    notice: VendorNotice,
    settings: KycSettings,
    now: datetime,
    matchers: ListMatchers | None = None,
) -> NoticeOutcome:
    """Store a verified vendor notification once per vendor event id and apply its verdict to
    the case it names. A redelivery is acknowledged and changes nothing."""
    inbox_id = uuid7()
    claimed = await session.scalar(
        insert(KycVendorEvent)
        .values(
            id=inbox_id,
            vendor=vendor,
            external_id=notice.event_id,
            outcome="received",
            payload=notice.payload,
        )
        .on_conflict_do_nothing(index_elements=["vendor", "external_id"])
        .returning(KycVendorEvent.id)
    )
    if claimed is None:
        return NoticeOutcome("duplicate")
    verdict = notice.verdict
    result = NoticeOutcome("ignored")
    if verdict is not None:
        result = await _apply_verdict(
            session, vendor=vendor, verdict=verdict, settings=settings, now=now, matchers=matchers
        )
    await session.execute(
        update(KycVendorEvent)
        .where(KycVendorEvent.id == inbox_id)
        .values(outcome=result.outcome, case_id=result.case_id)
    )
    return result


async def _apply_verdict(
    session: AsyncSession,
    *,
    vendor: str,
    verdict: VendorVerdict,
    settings: KycSettings,
    now: datetime,
    matchers: ListMatchers | None,
) -> NoticeOutcome:
    try:
        case_id = uuid.UUID(verdict.external_id)
    except ValueError as exc:
        raise MalformedKycNotification("external_user_id is not a case id") from exc
    case = await session.scalar(
        select(KycCase).where(KycCase.id == case_id, KycCase.vendor == vendor).with_for_update()
    )
    if case is None:
        # Not (yet) visible: the submitting transaction may still be open. Answering an error
        # rolls the inbox row back and makes the vendor retry.
        raise KycCaseNotFound(f"no KYC case {case_id} for vendor {vendor!r}")
    current = KycStatus(case.status)
    if case.check_id != verdict.check_id or not can_move(current, verdict.status):
        await _audit_decision(session, case, vendor, "kyc.verdict_ignored", verdict, current)
        return NoticeOutcome("stale", case.id)
    if verdict.status == KycStatus.APPROVED and case.kind == BUSINESS:
        # The vendor checked the company and its documents; the owners' sanctions screen is
        # ours, against the lists of now. A hit (now or at submission) holds the case.
        hit = await screen_case_ubos(
            session, matchers, case=case, now=now, actor=f"kyc_vendor:{vendor}"
        )
        if hit or case.hold_reason is not None:
            await _hold(session, case, vendor, verdict, current)
            return NoticeOutcome("applied", case.id)
    case.status = verdict.status.value
    case.reasons = list(verdict.reasons)
    case.reviewed_at = now
    if verdict.status == KycStatus.APPROVED:
        case.tier_granted = case.tier_requested
        case.expires_at = now + timedelta(days=settings.review_period_days)
    else:
        case.tier_granted = 0
        case.expires_at = None
    await session.flush()
    await _audit_decision(session, case, vendor, f"kyc.case_{verdict.status}", verdict, current)
    if verdict.status in (KycStatus.APPROVED, KycStatus.REJECTED):
        await announce_decision(session, case)
    return NoticeOutcome("applied", case.id)


async def _hold(
    session: AsyncSession,
    case: KycCase,
    vendor: str,
    verdict: VendorVerdict,
    previous: KycStatus,
) -> None:
    """The vendor approved, compliance has not: the case stays pending (the customer sees it
    under review, without the reason) until a compliance officer decides."""
    case.hold_reason = case.hold_reason or UBO_SANCTIONS_HIT
    case.reasons = [UNDER_REVIEW]
    await session.flush()
    await _audit_decision(session, case, vendor, "kyc.case_held", verdict, previous)


async def _audit_decision(
    session: AsyncSession,
    case: KycCase,
    vendor: str,
    action: str,
    verdict: VendorVerdict,
    previous: KycStatus,
) -> None:
    await record(
        session,
        actor=f"kyc_vendor:{vendor}",
        action=action,
        entity_type=ENTITY,
        entity_id=str(case.id),
        data={
            "customer_id": str(case.customer_id),
            "from": previous.value,
            "verdict": verdict.status.value,
            "reasons": list(verdict.reasons),
            "tier_granted": case.tier_granted,
            "hold_reason": case.hold_reason,
            "expires_at": case.expires_at.isoformat() if case.expires_at else None,
            "vendor_event_id": verdict.event_id,
            "check_id": verdict.check_id,
        },
    )
