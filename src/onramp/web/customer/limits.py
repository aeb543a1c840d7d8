"""``/app/limits``: what the customer's KYC tier allows a day and a month (rolling windows) and
what is left of it. orders', as ``GET /v1/me/limits`` calls it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from onramp.auth import Permission, Principal, require
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.orders import limits_usage
from onramp.web.rendering import render

router = APIRouter(prefix="/app/limits", include_in_schema=False)


@router.get("")
async def limits_page(
    request: Request,
    principal: Annotated[Principal, require(Permission.ORDERS_READ_OWN)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> HTMLResponse:
    usage = await limits_usage(session, principal.user_id, now=clock.now(), settings=settings.kyc)
    return render(request, "app/account/limits.html", principal=principal, usage=usage)
