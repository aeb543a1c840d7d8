"""KYC operations: submit a case to the vendor, expire approvals after the review period, and
answer what tier a customer holds now. The vendor's verdicts are applied in
:mod:`onramp.kyc.verdicts`.

Services take ``session`` as a keyword argument, may flush, and never commit. Every decision is
written to the audit log with its reasons (codes, never personal data).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.audit import record
from onramp.core.ids import uuid7
from onramp.core.settings import KycSettings
from onramp.kyc.adapters.base import ApplicantData, KycVendor
from onramp.kyc.errors import (
    KycAlreadyVerified,
    KycCasePending,
    KycRejected,
)
from onramp.kyc.models import KycCase
from onramp.kyc.states import KycStatus, check_move
from onramp.kyc.submission import Submission, check_submission

ENTITY = "kyc_case"
REVIEW_PERIOD_ENDED = "REVIEW_PERIOD_ENDED"
INDIVIDUAL, BUSINESS = "individual", "business"


def effective_status(case: KycCase, now: datetime) -> KycStatus:
    """The status as of ``now``: an approval past its ``expires_at`` is expired even before
    ``expire_due`` has written that down."""
    status = KycStatus(case.status)
    if status == KycStatus.APPROVED and case.expires_at is not None and case.expires_at <= now:
        return KycStatus.EXPIRED
    return status


def refresh_due(case: KycCase, now: datetime, settings: KycSettings) -> bool:
    """An approval the customer should renew: expired, or within the notice period of it."""
    status = effective_status(case, now)
    if status == KycStatus.EXPIRED:
        return True
    if status != KycStatus.APPROVED or case.expires_at is None:
        return False
    return now >= case.expires_at - timedelta(days=settings.refresh_notice_days)


NextStep = Literal["submit", "wait", "resubmit", "refresh", "contact_support", "none"]


def next_step(case: KycCase | None, now: datetime, settings: KycSettings) -> NextStep:
    """What the customer should do next, for the API: submit, wait, resubmit, refresh,
    contact_support or none."""
    if case is None:
        return "submit"
    status = effective_status(case, now)
    if status == KycStatus.PENDING:
        return "wait"
    if status == KycStatus.NEEDS_MORE_INFO:
        return "resubmit"
    if status == KycStatus.REJECTED:
        return "contact_support"
    return "refresh" if refresh_due(case, now, settings) else "none"


async def tier_of(session: AsyncSession, customer_id: uuid.UUID, now: datetime) -> int:
    """The highest tier the customer holds at ``now``: approved, not past its review date and
    not held by compliance (a business whose owner was listed since). Tier 0 (email verified,
    identity not) when there is none."""
    value = await session.scalar(
        select(func.max(KycCase.tier_granted)).where(
            KycCase.customer_id == customer_id,
            KycCase.status == KycStatus.APPROVED.value,
            KycCase.expires_at > now,
            KycCase.hold_reason.is_(None),
        )
    )
    return int(value or 0)


async def latest_case(
    session: AsyncSession, *, customer_id: uuid.UUID, for_update: bool = False
) -> KycCase | None:
    query = (
        select(KycCase)
        .where(KycCase.customer_id == customer_id)
        .order_by(KycCase.id.desc())
        .limit(1)
    )
    if for_update:
        query = query.with_for_update()
    found: KycCase | None = await session.scalar(query)
    return found


async def list_cases(
    session: AsyncSession,
    *,
    status: KycStatus | None,
    limit: int,
    kind: str | None = None,
    held: bool | None = None,
) -> Sequence[KycCase]:
    query = select(KycCase).order_by(KycCase.submitted_at.desc()).limit(limit)
    if status is not None:
        query = query.where(KycCase.status == status.value)
    if kind is not None:
        query = query.where(KycCase.kind == kind)
    if held is not None:
        query = query.where(
            KycCase.hold_reason.is_not(None) if held else KycCase.hold_reason.is_(None)
        )
    return (await session.scalars(query)).all()


async def cases_of(session: AsyncSession, *, customer_id: uuid.UUID) -> Sequence[KycCase]:
    """Every case of the customer, newest first: their KYC history (staff read it)."""
    query = select(KycCase).where(KycCase.customer_id == customer_id)
    return (await session.scalars(query.order_by(KycCase.submitted_at.desc()))).all()


async def case_for(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    tier: int,
    vendor: str,
    now: datetime,
    settings: KycSettings,
    kind: str = INDIVIDUAL,
) -> KycCase:
    """The case this submission goes into: the open one awaiting more information, or a new
    one (first time, an upgrade, or a refresh of an expiring approval)."""
    latest = await latest_case(session, customer_id=customer_id, for_update=True)
    if latest is not None:
        status = effective_status(latest, now)
        if status == KycStatus.PENDING:
            raise KycCasePending()
        if status == KycStatus.REJECTED:
            raise KycRejected()
        if status == KycStatus.NEEDS_MORE_INFO:
            if latest.kind != kind:
                raise KycCasePending(
                    f"the open {latest.kind} verification needs more information first"
                )
            check_move(status, KycStatus.PENDING)
            return latest
        if (
            status == KycStatus.APPROVED
            and latest.tier_granted >= tier
            and not refresh_due(latest, now, settings)
        ):
            raise KycAlreadyVerified()
    case = KycCase(
        id=uuid7(),
        customer_id=customer_id,
        kind=kind,
        vendor=vendor,
        attempts=0,
        tier_granted=0,
        created_at=now,
    )
    session.add(case)
    return case


def _reopen_for(case: KycCase, submission: Submission, now: datetime) -> None:
    """The case pending again with this submission's details; what the last attempt learnt is
    cleared."""
    case.status = KycStatus.PENDING.value
    case.tier_requested = submission.tier
    case.attempts += 1
    case.reasons = []
    case.document_types = submission.document_types
    case.submitted_at, case.reviewed_at, case.expires_at = now, None, None
    case.check_id = None
    case.given_names = submission.given_names
    case.surname = submission.surname
    case.date_of_birth = submission.date_of_birth.isoformat()
    case.nationality = submission.nationality
    case.address = submission.address.to_json()


async def _send_to_vendor(vendor: KycVendor, case: KycCase, submission: Submission) -> None:
    """Send the applicant and their documents to the vendor and ask for a check."""
    case.applicant_id = await vendor.upsert_applicant(
        ApplicantData(
            external_id=str(case.id),
            given_names=submission.given_names,
            surname=submission.surname,
            date_of_birth=submission.date_of_birth,
            country=submission.address.country,
            nationality=submission.nationality,
        )
    )
    for document in submission.documents:
        await vendor.add_document(case.applicant_id, document)
    case.check_id = await vendor.request_check(case.applicant_id, tier=submission.tier)


async def submit(
    session: AsyncSession,
    *,
    vendor: KycVendor,
    customer_id: uuid.UUID,
    submission: Submission,
    settings: KycSettings,
    now: datetime,
) -> KycCase:
    """Start a case, or resubmit the one that needs more information, and ask the vendor for a
    check. The verdict arrives later by webhook (``apply_notice``)."""
    check_submission(submission, now=now)
    case = await case_for(
        session,
        customer_id=customer_id,
        tier=submission.tier,
        vendor=vendor.name,
        now=now,
        settings=settings,
    )
    _reopen_for(case, submission, now)
    try:
        # The row (and its lock) exists before the vendor can answer: a verdict that arrives
        # while this transaction is open waits for it, or is retried by the vendor.
        await session.flush()
    except IntegrityError as exc:  # a concurrent submission opened a case first
        raise KycCasePending() from exc
    await _send_to_vendor(vendor, case, submission)
    await session.flush()
    await record(
        session,
        actor=f"user:{customer_id}",
        action="kyc.case_submitted",
        entity_type=ENTITY,
        entity_id=str(case.id),
        data={
            "customer_id": str(customer_id),
            "tier_requested": submission.tier,
            "attempt": case.attempts,
            "document_types": case.document_types,
            "vendor": vendor.name,
            "applicant_id": case.applicant_id,
            "check_id": case.check_id,
        },
    )
    return case


async def expire_due(session: AsyncSession, *, now: datetime, limit: int = 500) -> int:
    """Mark approvals past their review date expired (``tier_of`` already ignores them; this
    writes the decision down and audits it). Safe to run from several workers at once."""
    cases = (
        await session.scalars(
            select(KycCase)
            .where(KycCase.status == KycStatus.APPROVED.value, KycCase.expires_at <= now)
            .order_by(KycCase.expires_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for case in cases:
        check_move(KycStatus.APPROVED, KycStatus.EXPIRED)
        case.status = KycStatus.EXPIRED.value
        case.reasons = [REVIEW_PERIOD_ENDED]
        await record(
            session,
            actor="system:kyc_review",
            action="kyc.case_expired",
            entity_type=ENTITY,
            entity_id=str(case.id),
            data={
                "customer_id": str(case.customer_id),
                "reasons": [REVIEW_PERIOD_ENDED],
                "tier_was": case.tier_granted,
                "expired_at": case.expires_at.isoformat() if case.expires_at else None,
            },
        )
    await session.flush()
    return len(cases)
