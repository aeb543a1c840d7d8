"""Refunds and bank files in the back office: the refunds (``/admin/refunds``, by status, newest
first, as ``GET /v1/admin/refunds``), the pain.001 files that paid them with each file's XML to
download (``/admin/refunds/files``, as ``GET /v1/admin/refunds/files``), and the statement
files imported from the bank (``/admin/deposits/files``, as ``GET /v1/admin/deposits/files``).
All read-only."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from onramp.auth import Permission, Principal, require
from onramp.banking import Refund, imported_bank_files, list_refunds, refund_file, refund_files
from onramp.core.money import Money
from onramp.core.web import SessionDep
from onramp.web.csv_export import Format, csv_download
from onramp.web.rendering import render

router = APIRouter(prefix="/admin", include_in_schema=False)
Reader = Annotated[Principal, require(Permission.REFUNDS_READ)]
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
        status=status,
        next_before=rows[-1].id if len(rows) == PAGE_SIZE else None,
        first_page=before is None,
    )


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
