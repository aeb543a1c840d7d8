"""KYC routes: the customer's own verification, the vendor's signed webhooks, and the
compliance officer's review list. No SQL and no business rule here: parse, call, render."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal, require
from onramp.compliance import ListMatchersDep
from onramp.core.audit import actions_on, record
from onramp.core.request_fields import Text
from onramp.core.settings import KycSettings
from onramp.core.web import ClockDep, SessionDep, SettingsDep, rate_limited
from onramp.kyc import kyb, service, verdicts
from onramp.kyc.adapters.base import KycVendor
from onramp.kyc.errors import UnknownKycVendor
from onramp.kyc.models import KycCase
from onramp.kyc.schemas import (
    KybSubmissionIn,
    KycCaseList,
    KycCaseOut,
    KycCaseReviewOut,
    KycDecisionOut,
    KycLimitsOut,
    KycStatusOut,
    KycSubmissionIn,
    KycWebhookAck,
)
from onramp.kyc.states import KycStatus
from onramp.kyc.tiers import TIER_LABELS, limits_for
from onramp.kyc.ubo_screening import ubo_screenings

me_router = APIRouter(prefix="/v1/me/kyc", tags=["kyc"])
kyb_router = APIRouter(prefix="/v1/me/kyb", tags=["kyc"])
webhook_router = APIRouter(prefix="/v1/webhooks/kyc", tags=["webhooks"])
review_router = APIRouter(prefix="/v1/kyc", tags=["kyc"])


def _vendor(request: Request, name: str) -> KycVendor:
    vendors: dict[str, KycVendor] = request.app.state.kyc_vendors
    vendor = vendors.get(name)
    if vendor is None:
        raise UnknownKycVendor(f"no KYC vendor adapter named {name!r}")
    return vendor


def _case_fields(case: KycCase, now: datetime) -> KycCaseOut:
    return KycCaseOut(
        id=case.id,
        kind="business" if case.kind == service.BUSINESS else "individual",
        status=service.effective_status(case, now).value,
        tier_requested=case.tier_requested,
        tier_granted=case.tier_granted,
        attempts=case.attempts,
        reasons=list(case.reasons),
        document_types=list(case.document_types),
        submitted_at=case.submitted_at,
        reviewed_at=case.reviewed_at,
        expires_at=case.expires_at,
    )


def _status(tier: int, case: KycCase | None, now: datetime, settings: KycSettings) -> KycStatusOut:
    limits = limits_for(tier, settings)
    return KycStatusOut(
        tier=tier,
        tier_label=TIER_LABELS[tier],
        limits=KycLimitsOut(
            daily_eur=f"{limits.daily_eur:.2f}", monthly_eur=f"{limits.monthly_eur:.2f}"
        ),
        next_step=service.next_step(case, now, settings),
        refresh_due=case is not None and service.refresh_due(case, now, settings),
        case=_case_fields(case, now) if case is not None else None,
    )


async def status_of(
    session: AsyncSession, *, customer_id: uuid.UUID, settings: KycSettings, now: datetime
) -> KycStatusOut:
    """A customer's KYC tier, limits, latest case and next step (``GET /v1/me/kyc``, the web
    dashboard)."""
    case = await service.latest_case(session, customer_id=customer_id)
    tier = await service.tier_of(session, customer_id, now)
    return _status(tier, case, now, settings)


async def submit_own(
    session: AsyncSession,
    *,
    vendors: dict[str, KycVendor],
    customer_id: uuid.UUID,
    body: KycSubmissionIn,
    settings: KycSettings,
    now: datetime,
) -> KycStatusOut:
    """A person's own identity sent to the configured vendor (``POST /v1/me/kyc``, the web's
    identity page): a new case, or the open one that needs more information resubmitted."""
    vendor = vendors.get(settings.vendor)
    if vendor is None:
        raise UnknownKycVendor(f"no KYC vendor adapter named {settings.vendor!r}")
    case = await service.submit(
        session,
        vendor=vendor,
        customer_id=customer_id,
        submission=body.to_submission(),
        settings=settings,
        now=now,
    )
    tier = await service.tier_of(session, customer_id, now)
    return _status(tier, case, now, settings)


async def case_history(
    session: AsyncSession, *, customer_id: uuid.UUID, now: datetime
) -> list[KycCaseOut]:
    """Every KYC case of the customer, newest first (staff reading a customer)."""
    return [_case_fields(c, now) for c in await service.cases_of(session, customer_id=customer_id)]


async def decision_history(
    session: AsyncSession, *, customer_id: uuid.UUID
) -> list[KycDecisionOut]:
    """Every submission, verdict and decision on the customer's KYC cases, newest first, as the
    audit log recorded them (staff reading a customer)."""
    cases = await service.cases_of(session, customer_id=customer_id)
    records = await actions_on(
        session, entity_type=service.ENTITY, entity_ids=[str(c.id) for c in cases], prefix="kyc."
    )
    return [
        KycDecisionOut(
            case_id=uuid.UUID(r.entity_id),
            at=r.at,
            action=r.action,
            by=r.actor,
            verdict=r.data.get("verdict"),
            reasons=[str(x) for x in r.data.get("reasons") or ()],
            tier_granted=r.data.get("tier_granted"),
        )
        for r in records
    ]


@me_router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Submit identity data and documents for verification (or resubmit)",
    description=(
        "Starts a KYC case at the requested tier, or resubmits the open case that needs more "
        "information, and asks the vendor for a check. Answers 202: the verdict arrives "
        "asynchronously; poll `GET /v1/me/kyc`. Personal data is stored sealed. A login session "
        "only: a person asserts their own identity, an API key may not."
    ),
    responses={
        409: {"description": "kyc_case_pending, kyc_rejected, kyc_already_verified"},
        422: {"description": "kyc_submission_invalid"},
        503: {"description": "kyc_vendor_unavailable"},
    },
)
async def submit_kyc(
    body: KycSubmissionIn,
    request: Request,
    principal: Annotated[Principal, require(Permission.KYC_MANAGE_OWN, person=True)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> KycStatusOut:
    return await submit_own(
        session,
        vendors=request.app.state.kyc_vendors,
        customer_id=principal.user_id,
        body=body,
        settings=settings.kyc,
        now=clock.now(),
    )


@kyb_router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Submit a business (KYB): the company, its documents and its beneficial owners",
    description=(
        "Starts a business verification (tier 3, `business`), or resubmits the open one that "
        "needs more information. Every ultimate beneficial owner (25 % or more; at least one, "
        "shares at most 100 % in all) needs an identity document; the company needs a "
        "`certificate_of_incorporation` and a `register_extract`. Each owner is screened "
        "against the sanctions lists. Answers 202 with the same status as `GET /v1/me/kyc`: "
        "the vendor's verdict arrives asynchronously. Company and personal data are stored "
        "sealed. A login session only."
    ),
    responses={
        409: {"description": "kyc_case_pending, kyc_rejected, kyc_already_verified"},
        422: {"description": "kyb_submission_invalid (with `problems`), request_invalid"},
        503: {"description": "kyc_vendor_unavailable"},
    },
)
async def submit_kyb(
    body: KybSubmissionIn,
    request: Request,
    principal: Annotated[Principal, require(Permission.KYC_MANAGE_OWN, person=True)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    matchers: ListMatchersDep,
) -> KycStatusOut:
    now = clock.now()
    case = await kyb.submit_business(
        session,
        vendor=_vendor(request, settings.kyc.vendor),
        matchers=matchers,
        customer_id=principal.user_id,
        submission=body.to_submission(),
        settings=settings.kyc,
        now=now,
    )
    tier = await service.tier_of(session, principal.user_id, now)
    return _status(tier, case, now, settings.kyc)


@me_router.get(
    "",
    summary="The caller's KYC tier, limits, latest case and what to do next",
)
async def get_kyc(
    principal: Annotated[Principal, require(Permission.KYC_MANAGE_OWN)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> KycStatusOut:
    return await status_of(
        session, customer_id=principal.user_id, settings=settings.kyc, now=clock.now()
    )


@webhook_router.post(
    "/{vendor}",
    dependencies=[rate_limited("webhook")],
    summary="Receive a signed verdict from a KYC vendor",
    description=(
        "Verifies the vendor's signature over the raw body before anything is stored. Each "
        "vendor event is applied once: redeliveries are acknowledged and ignored."
    ),
    responses={
        401: {"description": "webhook_signature_invalid"},
        404: {"description": "unknown_kyc_vendor, kyc_case_not_found (the vendor retries)"},
        422: {"description": "kyc_notification_malformed"},
    },
)
async def kyc_webhook(
    vendor: Annotated[Text, Path(max_length=40)],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    matchers: ListMatchersDep,
) -> KycWebhookAck:
    adapter = _vendor(request, vendor)
    now = clock.now()
    notice = adapter.parse_webhook(request.headers, await request.body(), now=now)
    result = await verdicts.apply_notice(
        session,
        vendor=adapter.name,
        notice=notice,
        settings=settings.kyc,
        now=now,
        matchers=matchers,
    )
    return KycWebhookAck(outcome=result.outcome)


@review_router.get(
    "/cases",
    summary="KYC cases, newest first (compliance review)",
    description=(
        "No personal data: open a case's details through the audited case view. `kind=business` "
        "lists KYB cases, `held=true` those compliance holds (`hold_reason`)."
    ),
)
async def list_kyc_cases(
    principal: Annotated[Principal, require(Permission.KYC_REVIEW)],
    session: SessionDep,
    clock: ClockDep,
    case_status: Annotated[KycStatus | None, Query(alias="status")] = None,
    kind: Annotated[Literal["individual", "business"] | None, Query()] = None,
    held: Annotated[bool | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> KycCaseList:
    return await review_queue(
        session,
        reader=principal,
        now=clock.now(),
        status=case_status,
        kind=kind,
        held=held,
        limit=limit,
    )


async def review_queue(
    session: AsyncSession,
    *,
    reader: Principal,
    now: datetime,
    status: KycStatus | None,
    kind: Literal["individual", "business"] | None,
    held: bool | None,
    limit: int,
) -> KycCaseList:
    """The compliance review's KYC cases, newest first; listing them is audited."""
    cases = await service.list_cases(session, status=status, limit=limit, kind=kind, held=held)
    await record(
        session,
        actor=f"user:{reader.user_id}",
        action="kyc.cases_listed",
        entity_type="kyc_case",
        entity_id="*",
        data={
            "status": status.value if status else None,
            "kind": kind,
            "held": held,
            "count": len(cases),
        },
    )
    screenings = await ubo_screenings(session, cases)
    return KycCaseList(data=[_review_fields(c, now, screenings.get(c.id)) for c in cases])


def _review_fields(case: KycCase, now: datetime, screening: list[str] | None) -> KycCaseReviewOut:
    # Business cases show how many owners and how each screened: decisions, never names.
    return KycCaseReviewOut(
        **_case_fields(case, now).model_dump(),
        customer_id=case.customer_id,
        vendor=case.vendor,
        applicant_id=case.applicant_id,
        hold_reason=case.hold_reason,
        ubo_count=None if screening is None else len(screening),
        ubo_screening=screening,
    )
