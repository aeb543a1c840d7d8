"""Compliance cases in the back office (``/admin/compliance/cases``): the queue (newest or most
severe first, filtered, a page at a time), one case with its alerts, held orders, notes and
evidence, and the officer's acts on it: assign, comment, decide (a large release waits for a
second officer, who approves it here) and the SAR draft. The services are the JSON routes'
(``/v1/compliance/cases``, ``/v1/approvals``)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from onramp.auth import Permission, Principal, allowed, require
from onramp.casework import assign_case, case_detail, decide_case, draft_sar
from onramp.compliance import CaseFilter, add_comment
from onramp.compliance import list_cases as cases_list_cases
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.fx import FxDesk
from onramp.identity import decide_approval, get_approval_request
from onramp.web.csv_export import Format, csv_of
from onramp.web.rendering import render

router = APIRouter(prefix="/admin/compliance/cases", include_in_schema=False)
PAGE_SIZE = 20
CASE_COLUMNS = (
    "id", "customer_id", "status", "severity", "assignee_id", "decision",
    "pending_approval_id", "opened_at", "closed_at",
)  # fmt: skip

Officer = Annotated[Principal, require(Permission.COMPLIANCE_CASES)]
Reader = Annotated[Principal, require(Permission.COMPLIANCE_CASES_READ)]
Approver = Annotated[Principal, require(Permission.APPROVALS_DECIDE)]
Reason = Annotated[str, Form(min_length=3, max_length=2000)]


def _to_case(case_id: uuid.UUID, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/admin/compliance/cases/{case_id}{anchor}", status_code=303)


@router.get("")
async def cases(
    request: Request,
    principal: Reader,
    session: SessionDep,
    status: Literal["open", "closed", ""] = "open",
    severity: Literal["low", "medium", "high", ""] = "",
    assignee: Literal["me", "none", ""] = "",
    order: Literal["newest", "severity"] = "newest",
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    format: Format = "html",
) -> Response:
    where = CaseFilter(
        status=status or None,
        severity=severity or None,
        assignee_id=principal.user_id if assignee == "me" else None,
        unassigned=assignee == "none",
    )
    rows, next_cursor = await cases_list_cases(
        session, where=where, order=order, limit=PAGE_SIZE, cursor=cursor
    )
    if format == "csv":
        return csv_of("compliance-cases.csv", CASE_COLUMNS, rows)
    filters = {"status": status, "severity": severity, "assignee": assignee, "order": order}
    return render(
        request,
        "admin/compliance/cases.html",
        principal=principal,
        cases=rows,
        filters=filters,
        next_cursor=next_cursor,
        first_page=cursor is None,
    )


@router.get("/{case_id}")
async def case(
    case_id: uuid.UUID, request: Request, principal: Reader, session: SessionDep
) -> HTMLResponse:
    detail = await case_detail(session, case_id, reader=principal)
    pending = None
    if detail.pending_approval_id is not None:
        pending = await get_approval_request(session, detail.pending_approval_id)
    return render(
        request,
        "admin/compliance/case.html",
        principal=principal,
        case=detail,
        pending=pending,
        can_act=allowed(principal.role, Permission.COMPLIANCE_CASES),
    )


@router.post("/{case_id}/assign")
async def assign(
    case_id: uuid.UUID,
    principal: Officer,
    session: SessionDep,
    assignee: Annotated[uuid.UUID | Literal["me", "none"], Form()] = "me",
) -> RedirectResponse:
    # "me", "none" (back to the queue) or an officer's user id, as the JSON route takes.
    to = principal.user_id if assignee == "me" else None if assignee == "none" else assignee
    await assign_case(session, case_id=case_id, assignee_id=to, officer=principal)
    return _to_case(case_id)


@router.post("/{case_id}/comments")
async def comment(
    case_id: uuid.UUID,
    principal: Officer,
    session: SessionDep,
    clock: ClockDep,
    body: Annotated[str, Form(min_length=1, max_length=10_000)],
) -> RedirectResponse:
    await add_comment(
        session, case_id=case_id, author_id=principal.user_id, body=body, now=clock.now()
    )
    return _to_case(case_id, "#notes")


@router.post("/{case_id}/decision")
async def decide(
    case_id: uuid.UUID,
    request: Request,
    principal: Officer,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    decision: Annotated[Literal["release", "reject_refund", "file_sar"], Form()],
    reason: Reason,
    sar_orders: Annotated[Literal["block", "reject_refund"], Form()] = "block",
) -> RedirectResponse:
    desk: FxDesk = request.app.state.fx_desk
    await decide_case(
        session,
        case_id=case_id,
        decision=decision,
        reason=reason,
        officer=principal,
        desk=desk,
        settings=settings.compliance,
        sar_orders=sar_orders,
        review_period_days=settings.kyc.review_period_days,
        now=clock.now(),
    )
    return _to_case(case_id)


@router.post("/{case_id}/approval/{approval_id}")
async def approve_release(
    case_id: uuid.UUID,
    approval_id: uuid.UUID,
    principal: Approver,
    _officer: Officer,
    session: SessionDep,
    clock: ClockDep,
    verdict: Annotated[Literal["approve", "reject"], Form()],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    """The second officer's decision on a release waiting for it: the same four-eyes rule as
    ``/v1/approvals/{id}/approve`` (never the requester's own)."""
    await decide_approval(
        session,
        request_id=approval_id,
        approver=principal,
        approve=verdict == "approve",
        reason=reason or None,
        now=clock.now(),
    )
    return _to_case(case_id)


@router.get("/{case_id}/sar.pdf")
async def sar_pdf(
    case_id: uuid.UUID,
    principal: Officer,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    draft = await draft_sar(
        session,
        case_id=case_id,
        settings=settings.compliance,
        drafted_by=principal.user_id,
        fmt="pdf",
        now=clock.now(),
    )
    assert isinstance(draft, bytes)
    return Response(
        draft,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="sar-{case_id}.pdf"'},
    )
