"""KYC routes: the customer's own verification, the vendor's signed webhooks, and the
compliance officer's review list. No SQL and no business rule here: parse, call, render."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from onramp.core.audit import record
from onramp.core.settings import KycSettings
from onramp.core.web import ClockDep, SessionDep, SettingsDep, rate_limited
from onramp.identity.access import require
from onramp.identity.permissions import Permission
from onramp.identity.tokens import Principal
from onramp.kyc import service
from onramp.kyc.adapters.base import KycVendor
from onramp.kyc.errors import UnknownKycVendor
from onramp.kyc.models import KycCase
from onramp.kyc.schemas import (
    KycCaseList,
    KycCaseOut,
    KycCaseReviewOut,
    KycStatusOut,
    KycSubmissionIn,
    KycWebhookAck,
    LimitsOut,
)
from onramp.kyc.states import KycStatus
from onramp.kyc.tiers import limits_for

me_router = APIRouter(prefix="/v1/me/kyc", tags=["kyc"])
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
        limits=LimitsOut(
            daily_eur=f"{limits.daily_eur:.2f}", monthly_eur=f"{limits.monthly_eur:.2f}"
        ),
        next_step=service.next_step(case, now, settings),
        refresh_due=case is not None and service.refresh_due(case, now, settings),
        case=_case_fields(case, now) if case is not None else None,
    )


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
    now = clock.now()
    case = await service.submit(
        session,
        vendor=_vendor(request, settings.kyc.vendor),
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
    now = clock.now()
    case = await service.latest_case(session, customer_id=principal.user_id)
    tier = await service.tier_of(session, principal.user_id, now)
    return _status(tier, case, now, settings.kyc)


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
    vendor: str, request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> KycWebhookAck:
    adapter = _vendor(request, vendor)
    now = clock.now()
    notice = adapter.parse_webhook(request.headers, await request.body(), now=now)
    result = await service.apply_notice(
        session, vendor=adapter.name, notice=notice, settings=settings.kyc, now=now
    )
    return KycWebhookAck(outcome=result.outcome)


@review_router.get(
    "/cases",
    summary="KYC cases, newest first (compliance review)",
    description="No personal data: open a case's details through the audited case view.",
)
async def list_kyc_cases(
    principal: Annotated[Principal, require(Permission.KYC_REVIEW)],
    session: SessionDep,
    clock: ClockDep,
    case_status: Annotated[KycStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> KycCaseList:
    now = clock.now()
    cases = await service.list_cases(session, status=case_status, limit=limit)
    await record(
        session,
        actor=f"user:{principal.user_id}",
        action="kyc.cases_listed",
        entity_type="kyc_case",
        entity_id="*",
        data={"status": case_status.value if case_status else None, "count": len(cases)},
    )
    return KycCaseList(
        data=[
            KycCaseReviewOut(
                **_case_fields(c, now).model_dump(),
                customer_id=c.customer_id,
                vendor=c.vendor,
                applicant_id=c.applicant_id,
            )
            for c in cases
        ]
    )
