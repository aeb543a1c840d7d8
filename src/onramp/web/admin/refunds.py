"""Refunds and bank files in the back office: the refunds (``/admin/refunds``, by status, newest
first, as ``GET /v1/admin/refunds``), the pain.001 files that paid them with each file's XML to
download (``/admin/refunds/files``, as ``GET /v1/admin/refunds/files``), and the statement
files imported from the bank (``/admin/deposits/files``, as ``GET /v1/admin/deposits/files``).
Read-only but for the settlement by hand of a refund the bank never answered (confirm sent,
mark failed: ``POST /v1/admin/refunds/{id}/confirm-sent`` or ``mark-failed``'s service), which
waits for a second person's approval among the approvals."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from onramp.auth import Permission, Principal, allowed, require
from onramp.banking import (
    Refund,
    RefundSettlement,
    imported_bank_files,
    list_refunds,
    refund_file,
    refund_files,
    refund_is_stuck,
    request_refund_settlement,
)
from onramp.core.money import Money
from onramp.core.web import ClockDep, SessionDep
from onramp.web.csv_export import Format, csv_download
from onramp.web.rendering import render

router = APIRouter(prefix="/admin", include_in_schema=False)
Reader = Annotated[Principal, require(Permission.REFUNDS_READ)]
Manager = Annotated[Principal, require(Permission.REFUNDS_MANAGE)]
PAGE_SIZE = 50
REFUND_COLUMNS = (
    "id", "deposit_id", "order_id", "amount", "currency", "reason", "status", "channel",
    "attempts", "requested_at", "sent_at", "completed_at", "failed_at",
)  # fmt: skip


def _refund_row(refund: Refund) -> list[object]:
    row: list[object] = [getattr(refund, k) for k in REFUND_COLUMNS]
    row[3] = Money(int(refund.amount), refund.currency)  # minor units, as a decimal
    return row


@router.get("/refunds")
async def refunds(
    request: Request,
    principal: Reader,
    session: SessionDep,
    status: Literal["requested", "sent", "completed", "failed", ""] = "",
    before: uuid.UUID | None = None,
    done: Annotated[str, Query(max_length=100)] = "",
    format: Format = "html",
) -> Response:
    rows = await list_refunds(
        session, status=status or None, deposit_id=None, limit=PAGE_SIZE, before=before
    )
    if format == "csv":
        return csv_download("refunds.csv", REFUND_COLUMNS, (_refund_row(r) for r in rows))
    return render(
        request,
        "admin/deposits/refunds.html",
        principal=principal,
        refunds=rows,
        stuck=[r for r in rows if refund_is_stuck(r)],
        may_settle=allowed(principal.role, Permission.REFUNDS_MANAGE),
        status=status,
        done=done,
        next_before=rows[-1].id if len(rows) == PAGE_SIZE else None,
        first_page=before is None,
    )


@router.post("/refunds/{refund_id}/{act}")
async def settle(
    refund_id: uuid.UUID,
    act: Literal["confirm-sent", "mark-failed"],
    principal: Manager,
    session: SessionDep,
    clock: ClockDep,
    reason: Annotated[str, Form(min_length=3, max_length=500)],
) -> RedirectResponse:
    """The first pair of eyes: the settlement waits for a different person's approval."""
    requested = await request_refund_settlement(
        session,
        refund_id=refund_id,
        settlement=RefundSettlement(act.replace("-", "_")),
        requester=principal,
        reason=reason,
        now=clock.now(),
    )
    said = f"{act} waits for a second person (approval {requested.approval_id})"
    query = urlencode({"status": "requested", "done": said})
    return RedirectResponse(f"/admin/refunds?{query}", status_code=303)


@router.get("/refunds/files")
async def files(
    request: Request, principal: Reader, session: SessionDep, before: uuid.UUID | None = None
) -> HTMLResponse:
    rows = await refund_files(session, limit=PAGE_SIZE, before=before)
    return render(
        request,
        "admin/deposits/refund_files.html",
        principal=principal,
        files=rows,
        next_before=rows[-1].id if len(rows) == PAGE_SIZE else None,
        first_page=before is None,
    )


@router.get("/refunds/files/{message_id}.xml")
async def download(
    message_id: Annotated[str, Path(max_length=35)], principal: Reader, session: SessionDep
) -> Response:
    stored = await refund_file(session, message_id=message_id)
    return Response(
        stored.xml.encode("utf-8"),
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{stored.message_id}.xml"'},
    )


@router.get("/deposits/files")
async def bank_files(
    request: Request,
    principal: Annotated[Principal, require(Permission.DEPOSITS_READ)],
    session: SessionDep,
    bank: Annotated[str, Query(max_length=50)] = "",
    before: uuid.UUID | None = None,
) -> HTMLResponse:
    rows = await imported_bank_files(
        session, bank=bank.strip() or None, limit=PAGE_SIZE, before=before
    )
    return render(
        request,
        "admin/deposits/bank_files.html",
        principal=principal,
        files=rows,
        bank=bank,
        next_before=rows[-1].id if len(rows) == PAGE_SIZE else None,
        first_page=before is None,
    )
