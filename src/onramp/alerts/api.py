"""``/v1/admin/alerts``: the operators' alerts, for on-call staff (``alerts:read``); treasurers
and admins acknowledge, resolve and silence them (``alerts:manage``)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from onramp.alerts.models import AlertState
from onramp.alerts.schemas import AlertList, AlertOut, SilenceIn, SilenceOut, alert_out, silence_out
from onramp.alerts.service import (
    acknowledge,
    configured_rules,
    list_alerts,
    resolve_by_hand,
    silence,
)
from onramp.auth import Permission, Principal, require
from onramp.core.web import ClockDep, SessionDep, SettingsDep

router = APIRouter(prefix="/v1/admin/alerts", tags=["alerts (staff)"])

Reader = Annotated[Principal, require(Permission.ALERTS_READ)]
Manager = Annotated[Principal, require(Permission.ALERTS_MANAGE)]
NOT_OPEN: dict[int | str, dict[str, Any]] = {
    404: {"description": "alert_not_found"},
    409: {"description": "alert_not_open"},
}


@router.get("", summary="Alerts, newest first")
async def alerts(
    principal: Reader,
    session: SessionDep,
    state: AlertState | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: uuid.UUID | None = None,
) -> AlertList:
    page = await list_alerts(
        session, state=state.value if state else None, limit=limit, before=before
    )
    return AlertList(data=[alert_out(a) for a in page.alerts], next_before=page.next_before)


@router.post("/{alert_id}/acknowledge", summary="Say a person is on it", responses=NOT_OPEN)
async def acknowledge_alert(
    alert_id: uuid.UUID, principal: Manager, session: SessionDep, clock: ClockDep
) -> AlertOut:
    found = await acknowledge(session, alert_id=alert_id, staff=principal, now=clock.now())
    return alert_out(found)


@router.post("/{alert_id}/resolve", summary="Close an alert by hand", responses=NOT_OPEN)
async def resolve_alert(
    alert_id: uuid.UUID,
    principal: Manager,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> AlertOut:
    found = await resolve_by_hand(
        session, alert_id=alert_id, staff=principal, settings=settings, now=clock.now()
    )
    return alert_out(found)


@router.post(
    "/silences",
    summary="Hold back a rule's deliveries (one group, or all) for a while, with a reason",
    status_code=status.HTTP_201_CREATED,
    responses={422: {"description": "alert_silence_invalid"}},
)
async def create_silence(
    body: SilenceIn,
    principal: Manager,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> SilenceOut:
    row = await silence(
        session,
        rule=body.rule,
        group=body.group,
        reason=body.reason,
        duration=timedelta(seconds=body.duration_seconds),
        staff=principal,
        rules=configured_rules(settings),
        now=clock.now(),
    )
    return silence_out(row)
