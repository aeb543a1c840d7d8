"""Compliance's review lists in the back office: the KYC review queue (``/admin/kyc``, the
service of ``GET /v1/kyc/cases``, its listing audited), the screens the system ran
(``/admin/compliance/screenings``, ``GET /v1/compliance/screenings``) and the re-screens after
list updates with their progress (``/admin/compliance/rescreens``)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from onramp.auth import Permission, Principal, require
from onramp.compliance import rescreen_jobs, screening_records
from onramp.core.web import ClockDep, SessionDep
from onramp.kyc import KycStatus, kyc_review_queue
from onramp.web.csv_export import Format, csv_download
from onramp.web.rendering import render

router = APIRouter(prefix="/admin", include_in_schema=False)
Screener = Annotated[Principal, require(Permission.COMPLIANCE_SCREEN)]
Limit = Annotated[int, Query(ge=1, le=500)]
KYC_COLUMNS = (
    "id", "customer_id", "kind", "status", "tier_requested", "tier_granted", "vendor",
    "reasons", "hold_reason", "submitted_at", "reviewed_at",
)  # fmt: skip
SCREENING_COLUMNS = (
    "created_at", "point", "kind", "subject_type", "subject_id", "customer_id", "decision",
    "score", "entry_uid", "reason", "list_versions",
)  # fmt: skip


@router.get("/kyc")
async def kyc_queue(
    request: Request,
    principal: Annotated[Principal, require(Permission.KYC_REVIEW)],
    session: SessionDep,
    clock: ClockDep,
    status: Literal["pending", "approved", "rejected", "needs_more_info", "expired", ""] = "",
    kind: Literal["individual", "business", ""] = "",
    held: Literal["yes", "no", ""] = "",
    limit: Limit = 100,
    format: Format = "html",
) -> Response:
    queue = await kyc_review_queue(
        session,
        reader=principal,
        now=clock.now(),
        status=KycStatus(status) if status else None,
        kind=kind or None,
        held={"yes": True, "no": False}.get(held),
        limit=limit,
    )
    if format == "csv":
        rows = ([getattr(c, k) for k in KYC_COLUMNS] for c in queue.data)
        return csv_download("kyc-cases.csv", KYC_COLUMNS, rows)
    filters = {"status": status, "kind": kind, "held": held, "limit": limit}
    return render(
        request,
        "admin/compliance/kyc.html",
        principal=principal,
        kyc_cases=queue.data,
        filters=filters,
    )


@router.get("/compliance/screenings")
async def screenings(
    request: Request,
    principal: Screener,
    session: SessionDep,
    customer_id: Annotated[uuid.UUID | Literal[""], Query()] = "",
    subject_type: Annotated[str, Query(max_length=30)] = "",
    decision: Literal["hit", "clear", "not_screened", ""] = "",
    limit: Limit = 100,
    before: uuid.UUID | None = None,
    format: Format = "html",
) -> Response:
    rows = await screening_records(
        session,
        customer_id=customer_id or None,
        subject_type=subject_type.strip() or None,
        decision=decision or None,
        limit=limit,
        before=before,
    )
    if format == "csv":
        cells = ([getattr(r, k) for k in SCREENING_COLUMNS] for r in rows)
        return csv_download("screenings.csv", SCREENING_COLUMNS, cells)
    filters = {
        "customer_id": customer_id,
        "subject_type": subject_type,
        "decision": decision,
        "limit": limit,
    }
    return render(
        request,
        "admin/compliance/screenings.html",
        principal=principal,
        screenings=rows,
        filters=filters,
        first_page=before is None,
        next_before=rows[-1].id if len(rows) == limit else None,
    )


@router.get("/compliance/rescreens")
async def rescreens(
    request: Request,
    principal: Screener,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    before: uuid.UUID | None = None,
) -> HTMLResponse:
    rows = await rescreen_jobs(session, limit=limit, before=before)
    return render(
        request,
        "admin/compliance/rescreens.html",
        principal=principal,
        jobs=rows,
        limit=limit,
        first_page=before is None,
        next_before=rows[-1].id if len(rows) == limit else None,
    )
