"""Reconciliation in the back office (``/admin/recon``): the breaks queue (by state, type and
day, newest first, a page at a time, or as CSV) beside the latest runs, and one break
(``/admin/recon/breaks/{id}``) with its comments, to assign, comment on, resolve, or resolve
with an adjusting entry that waits for a second person. The services are
``/v1/admin/recon``'s."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from onramp.auth import Permission, Principal, allowed, require
from onramp.core.web import ClockDep, SessionDep
from onramp.recon import (
    Adjustment,
    BreakFilter,
    BreakType,
    ReconBreak,
    assign_break,
    comment_on_break,
    comments_of,
    get_break,
    list_breaks,
    list_runs,
    request_adjusting_resolution,
    resolve_break,
)
from onramp.web.csv_export import Format, csv_download
from onramp.web.rendering import render

PATH = "/admin/recon"
router = APIRouter(prefix=PATH, include_in_schema=False)
Reader = Annotated[Principal, require(Permission.RECON_READ)]
Resolver = Annotated[Principal, require(Permission.RECON_RESOLVE, person=True)]
PAGE_SIZE = 50
RUNS_SHOWN = 10
COLUMNS = (
    "id", "date", "type", "source", "bank", "amount", "currency", "reference", "state",
    "assignee_id", "detail",
)  # fmt: skip
State = Literal["open", "cleared", "resolved", ""]
# "me", a staff member's id, or nothing (to no one).
ASSIGNEE = r"^(me|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$"


def _row(b: ReconBreak) -> list[object]:
    return [b.id, b.run_date, b.type, b.source, b.bank, int(b.amount), b.currency, b.reference,
            b.state, b.assignee_id, b.detail]  # fmt: skip


@router.get("")
async def queue(
    request: Request,
    principal: Reader,
    session: SessionDep,
    state: State = "open",
    type: str = "",
    day: date | None = None,
    before: uuid.UUID | None = None,
    format: Format = "html",
) -> Response:
    known = type if type in {t.value for t in BreakType} else ""
    where = BreakFilter(state=state or None, type=known or None, day=day)
    rows = await list_breaks(session, where=where, limit=PAGE_SIZE, before=before)
    if format == "csv":
        return csv_download("recon-breaks.csv", COLUMNS, (_row(b) for b in rows))
    return render(
        request,
        "admin/recon/queue.html",
        principal=principal,
        breaks=rows,
        runs=await list_runs(session, day=None, limit=RUNS_SHOWN, before=None),
        filters={"state": state, "type": known, "day": day.isoformat() if day else ""},
        types=[t.value for t in BreakType],
        next_before=rows[-1].id if len(rows) == PAGE_SIZE else None,
        first_page=before is None,
    )


@router.get("/breaks/{break_id}")
async def one_break(
    break_id: uuid.UUID, request: Request, principal: Reader, session: SessionDep
) -> HTMLResponse:
    found = await get_break(session, break_id)
    return render(
        request,
        "admin/recon/break.html",
        principal=principal,
        found=found,
        comments=await comments_of(session, break_id),
        can_resolve=allowed(principal.role, Permission.RECON_RESOLVE),
    )


def _back(break_id: uuid.UUID) -> RedirectResponse:
    return RedirectResponse(f"{PATH}/breaks/{break_id}", status_code=303)


@router.post("/breaks/{break_id}/assign")
async def assign(
    break_id: uuid.UUID,
    principal: Resolver,
    session: SessionDep,
    clock: ClockDep,
    assignee_id: Annotated[str, Form(pattern=ASSIGNEE)] = "",
) -> RedirectResponse:
    who = principal.user_id if assignee_id == "me" else (
        uuid.UUID(assignee_id) if assignee_id else None
    )  # fmt: skip
    await assign_break(
        session, break_id=break_id, assignee_id=who, staff=principal, now=clock.now()
    )
    return _back(break_id)


@router.post("/breaks/{break_id}/comment")
async def comment(
    break_id: uuid.UUID,
    principal: Resolver,
    session: SessionDep,
    clock: ClockDep,
    body: Annotated[str, Form(min_length=1, max_length=2000)],
) -> RedirectResponse:
    await comment_on_break(session, break_id=break_id, body=body, staff=principal, now=clock.now())
    return _back(break_id)


@router.post("/breaks/{break_id}/resolve")
async def resolve(
    break_id: uuid.UUID,
    principal: Resolver,
    session: SessionDep,
    clock: ClockDep,
    reason: Annotated[str, Form(min_length=3, max_length=500)],
) -> RedirectResponse:
    await resolve_break(session, break_id=break_id, reason=reason, staff=principal, now=clock.now())
    return _back(break_id)


@router.post("/breaks/{break_id}/adjust")
async def adjust(
    break_id: uuid.UUID,
    principal: Resolver,
    session: SessionDep,
    clock: ClockDep,
    reason: Annotated[str, Form(min_length=3, max_length=500)],
    account: Annotated[str, Form(min_length=3, max_length=200)],
    amount: Annotated[str, Form(min_length=1, max_length=40)],
    currency: Annotated[str, Form(min_length=3, max_length=10)],
    side: Annotated[Literal["debit", "credit"], Form()],
) -> RedirectResponse:
    """The first pair of eyes: the entry waits in the approvals for a second person."""
    await request_adjusting_resolution(
        session, break_id=break_id, reason=reason,
        adjustment=Adjustment(account=account, amount=amount, currency=currency, side=side),
        staff=principal, now=clock.now(),
    )  # fmt: skip
    return RedirectResponse("/admin/approvals", status_code=303)
