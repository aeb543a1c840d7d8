"""The operators' alerts in the back office (``/admin/alerts``): the list, filtered by state and
paged; acknowledge, resolve and silence (``alerts:manage``). The services are
``/v1/admin/alerts``'s."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from onramp.alerts import (
    AlertState,
    acknowledge_alert,
    active_silences,
    configured_rules,
    list_alerts,
    resolve_alert,
    silence_alerts,
)
from onramp.auth import Permission, Principal, allowed, require
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.web.rendering import render

PATH = "/admin/alerts"
router = APIRouter(prefix=PATH, include_in_schema=False)
Manager = Annotated[Principal, require(Permission.ALERTS_MANAGE, person=True)]
STATES = [s.value for s in AlertState]


@router.get("")
async def alerts(
    request: Request,
    principal: Annotated[Principal, require(Permission.ALERTS_READ)],
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    state: str = "",
    before: uuid.UUID | None = None,
) -> HTMLResponse:
    chosen = state if state in STATES else ""
    page = await list_alerts(session, state=chosen or None, limit=50, before=before)
    return render(
        request,
        "admin/alerts.html",
        principal=principal,
        alerts=page.alerts,
        next_before=page.next_before,
        first_page=before is None,
        alert_state=chosen,
        alert_states=STATES,
        silences=await active_silences(session, clock.now()),
        rule_names=[r.name for r in configured_rules(settings).rules],
        can_manage=allowed(principal.role, Permission.ALERTS_MANAGE),
    )


@router.post("/{alert_id}/acknowledge")
async def acknowledge(
    alert_id: uuid.UUID, principal: Manager, session: SessionDep, clock: ClockDep
) -> RedirectResponse:
    await acknowledge_alert(session, alert_id=alert_id, staff=principal, now=clock.now())
    return RedirectResponse(PATH, status_code=303)


@router.post("/{alert_id}/resolve")
async def resolve(
    alert_id: uuid.UUID,
    principal: Manager,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> RedirectResponse:
    await resolve_alert(
        session, alert_id=alert_id, staff=principal, settings=settings, now=clock.now()
    )
    return RedirectResponse(PATH, status_code=303)


@router.post("/silences")
async def silence(
    principal: Manager,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    rule: Annotated[str, Form(max_length=60)],
    reason: Annotated[str, Form(min_length=3, max_length=500)],
    hours: Annotated[float, Form(gt=0, le=720)],
    group: Annotated[str, Form(max_length=120)] = "",
) -> RedirectResponse:
    await silence_alerts(
        session,
        rule=rule,
        group=group or None,
        reason=reason,
        duration=timedelta(hours=hours),
        staff=principal,
        rules=configured_rules(settings),
        now=clock.now(),
    )
    return RedirectResponse(PATH, status_code=303)
