"""The payouts' circuit breaker in the back office (``/admin/treasury/circuit-breaker``): its
state, reason and evidence; a manual trip; a resume request, which a different person approves
(four-eyes). The services are ``/v1/admin/treasury/circuit-breaker``'s."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from onramp.auth import Permission, Principal, allowed, require
from onramp.core.web import ClockDep, SessionDep
from onramp.treasury import (
    approve_resume,
    breaker_state,
    pending_resume,
    request_resume,
    trip_breaker,
)
from onramp.web.rendering import render

PATH = "/admin/treasury/circuit-breaker"
router = APIRouter(prefix=PATH, include_in_schema=False)
Manager = Annotated[Principal, require(Permission.TREASURY_RISK_MANAGE, person=True)]


@router.get("")
async def breaker(
    request: Request,
    principal: Annotated[Principal, require(Permission.TREASURY_RISK_READ)],
    session: SessionDep,
) -> HTMLResponse:
    row = await breaker_state(session)
    return render(
        request,
        "admin/treasury/circuit_breaker.html",
        principal=principal,
        breaker=row,
        evidence=json.dumps(row.evidence or {}, indent=2, default=str),
        pending=await pending_resume(session, row),
        can_act=allowed(principal.role, Permission.TREASURY_RISK_MANAGE),
    )


@router.post("/trip")
async def trip(
    principal: Manager,
    session: SessionDep,
    clock: ClockDep,
    reason: Annotated[str, Form(min_length=3, max_length=300)],
) -> RedirectResponse:
    await trip_breaker(
        session,
        reason,
        {"requested_by": str(principal.user_id)},
        trigger="manual",
        actor=f"user:{principal.user_id}",
        now=clock.now(),
    )
    return RedirectResponse(PATH, status_code=303)


@router.post("/resume")
async def resume(
    principal: Manager,
    session: SessionDep,
    clock: ClockDep,
    reason: Annotated[str, Form(min_length=3, max_length=500)],
) -> RedirectResponse:
    await request_resume(session, requester=principal, reason=reason, now=clock.now())
    return RedirectResponse(PATH, status_code=303)


@router.post("/resume/{request_id}/approve")
async def approve(
    request_id: uuid.UUID,
    principal: Manager,
    session: SessionDep,
    clock: ClockDep,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    await approve_resume(
        session, request_id=request_id, approver=principal, reason=reason or None, now=clock.now()
    )
    return RedirectResponse(PATH, status_code=303)
