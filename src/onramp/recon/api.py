"""``/v1/admin/recon``: reconciliation runs and the breaks queue, for treasury, compliance and
auditors; treasurers and admins work breaks (assign, comment, resolve; four-eyes when the
resolution posts an adjusting entry)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse

from onramp.auth import Permission, Principal, require
from onramp.core.web import ClockDep, SessionDep
from onramp.recon.adjustments import Adjustment, request_adjusting_resolution
from onramp.recon.models import BreakState, BreakType
from onramp.recon.queue import (
    BreakFilter,
    assign_break,
    comment_on_break,
    comments_of,
    get_break,
    list_breaks,
    list_runs,
    resolve_break,
)
from onramp.recon.schemas import (
    BreakAssignIn,
    BreakCommentIn,
    BreakDetail,
    BreakList,
    BreakOut,
    CommentOut,
    PendingResolutionOut,
    ResolveIn,
    RunList,
    break_out,
    comment_out,
    run_out,
)

router = APIRouter(prefix="/v1/admin/recon", tags=["reconciliation (staff)"])

Reader = Annotated[Principal, require(Permission.RECON_READ)]
Resolver = Annotated[Principal, require(Permission.RECON_RESOLVE)]
Limit = Annotated[int, Query(ge=1, le=200)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "recon_break_not_found"}}
NOT_OPEN: dict[int | str, dict[str, Any]] = {
    404: {"description": "recon_break_not_found"},
    409: {"description": "recon_break_not_open"},
}


@router.get("/runs", summary="Reconciliation runs, newest first")
async def runs(
    principal: Reader,
    session: SessionDep,
    day: Annotated[date | None, Query(alias="date")] = None,
    limit: Limit = 50,
    before: uuid.UUID | None = None,
) -> RunList:
    rows = await list_runs(session, day=day, limit=limit, before=before)
    return RunList(
        data=[run_out(r) for r in rows], next_before=rows[-1].id if len(rows) == limit else None
    )


@router.get("/breaks", summary="Breaks, newest first: the work queue")
async def breaks(
    principal: Reader,
    session: SessionDep,
    state: BreakState | None = None,
    type_: Annotated[BreakType | None, Query(alias="type")] = None,
    day: Annotated[date | None, Query(alias="date")] = None,
    limit: Limit = 50,
    before: uuid.UUID | None = None,
) -> BreakList:
    where = BreakFilter(
        state=state.value if state else None, type=type_.value if type_ else None, day=day
    )
    rows = await list_breaks(session, where=where, limit=limit, before=before)
    return BreakList(
        data=[break_out(b) for b in rows], next_before=rows[-1].id if len(rows) == limit else None
    )


@router.get("/breaks/{break_id}", summary="A break with its comments", responses=NOT_FOUND)
async def one_break(break_id: uuid.UUID, principal: Reader, session: SessionDep) -> BreakDetail:
    found = await get_break(session, break_id)
    comments = [comment_out(c) for c in await comments_of(session, found.id)]
    return BreakDetail(**break_out(found).model_dump(), comments=comments)


@router.post(
    "/breaks/{break_id}/assign",
    summary="Give an open break to a treasurer or admin (or to no one)",
    responses={**NOT_OPEN, 422: {"description": "recon_assignee_not_allowed"}},
)
async def assign(
    break_id: uuid.UUID,
    body: BreakAssignIn,
    principal: Resolver,
    session: SessionDep,
    clock: ClockDep,
) -> BreakOut:
    found = await assign_break(
        session, break_id=break_id, assignee_id=body.assignee_id, staff=principal, now=clock.now()
    )
    return break_out(found)


@router.post(
    "/breaks/{break_id}/comment",
    summary="A note on a break",
    status_code=status.HTTP_201_CREATED,
    responses=NOT_FOUND,
)
async def comment(
    break_id: uuid.UUID,
    body: BreakCommentIn,
    principal: Resolver,
    session: SessionDep,
    clock: ClockDep,
) -> CommentOut:
    note = await comment_on_break(
        session, break_id=break_id, body=body.body, staff=principal, now=clock.now()
    )
    return comment_out(note)


@router.post(
    "/breaks/{break_id}/resolve",
    summary="Resolve an open break with a reason, perhaps posting an adjusting entry",
    description=(
        "Without `adjustment` the break is resolved at once (audited). With one it answers 202 "
        "with an approval request; a different person with `recon:resolve` approves it at "
        "`/v1/approvals/{id}/approve`, and then the entry is posted and the break resolved."
    ),
    responses={
        **NOT_OPEN,
        200: {"model": BreakOut, "description": "resolved"},
        202: {"model": PendingResolutionOut, "description": "waits for a second person"},
        409: {"description": "recon_break_not_open, recon_break_resolution_pending"},
        422: {"description": "recon_adjustment_invalid"},
    },
)
async def resolve(
    break_id: uuid.UUID, body: ResolveIn, principal: Resolver, session: SessionDep, clock: ClockDep
) -> JSONResponse:
    if body.adjustment is None:
        found = await resolve_break(
            session, break_id=break_id, reason=body.reason, staff=principal, now=clock.now()
        )
        return JSONResponse(break_out(found).model_dump(mode="json"))
    a = body.adjustment
    approval_id = await request_adjusting_resolution(
        session,
        break_id=break_id,
        reason=body.reason,
        adjustment=Adjustment(account=a.account, amount=a.amount, currency=a.currency, side=a.side),
        staff=principal,
        now=clock.now(),
    )
    out = PendingResolutionOut(status="pending_approval", approval_id=approval_id)
    return JSONResponse(out.model_dump(mode="json"), status_code=status.HTTP_202_ACCEPTED)
