"""Four-eyes approvals (``/admin/approvals``): the requests waiting for this person's decision
(someone else's, for an action their role may do) with approve and reject, and every request
with its decision, a page at a time and as CSV. Other pages' four-eyes flows send the second
person here. The same services as ``GET /v1/approvals`` (``approvals:read``) and
``POST /v1/approvals/{id}/{verdict}`` (``approvals:decide``)."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from onramp.auth import Permission, Principal, require
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep
from onramp.identity import approvals_waiting_for, decide_approval, list_approval_requests
from onramp.web.csv_export import csv_download
from onramp.web.rendering import render

router = APIRouter(prefix="/admin/approvals", include_in_schema=False)
Reader = Annotated[Principal, require(Permission.APPROVALS_READ)]
Decider = Annotated[Principal, require(Permission.APPROVALS_DECIDE)]
PAGE_SIZE = 50
StatusQuery = Literal["", "pending", "approved", "rejected"]  # empty: every request
NOTICES = {"approved": "Approved: the action was carried out.", "rejected": "Rejected."}


@router.get("")
async def approvals_page(
    request: Request,
    principal: Reader,
    session: SessionDep,
    status: StatusQuery = "",
    before: uuid.UUID | None = None,
    notice: Annotated[Text | None, Query(max_length=20)] = None,
) -> Response:
    rows = await list_approval_requests(
        session, status=status or None, limit=PAGE_SIZE, before=before
    )
    return render(
        request,
        "admin/approvals.html",
        principal=principal,
        waiting=await approvals_waiting_for(session, principal),
        requests=rows,
        status=status,
        next_before=rows[-1].id if len(rows) == PAGE_SIZE else None,
        first_page=before is None,
        notice=NOTICES.get(notice or ""),
    )


@router.get(".csv")
async def approvals_csv(
    principal: Reader, session: SessionDep, status: StatusQuery = ""
) -> Response:
    rows = await list_approval_requests(session, status=status or None, limit=10_000)
    return csv_download(
        "approvals.csv",
        ("id", "action", "status", "requested_by", "requested_at", "decided_by", "decided_at")
        + ("reason", "payload", "result"),
        (
            (
                r.id,
                r.action,
                r.status,
                r.requested_by,
                r.requested_at.isoformat(),
                r.decided_by or "",
                r.decided_at.isoformat() if r.decided_at else "",
                r.reason or "",
                json.dumps(r.payload, sort_keys=True),
                json.dumps(r.result, sort_keys=True) if r.result is not None else "",
            )
            for r in rows
        ),
    )


@router.post("/{request_id}/{verdict}")
async def decide(
    request_id: uuid.UUID,
    verdict: Literal["approve", "reject"],
    principal: Decider,
    session: SessionDep,
    clock: ClockDep,
    reason: Annotated[Text | None, Form(max_length=500)] = None,
) -> RedirectResponse:
    row = await decide_approval(
        session,
        request_id=request_id,
        approver=principal,
        approve=verdict == "approve",
        reason=reason or None,
        now=clock.now(),
    )
    return RedirectResponse(f"/admin/approvals?notice={row.status}", status_code=303)
