"""The customer dashboard's home (``/app``): the profile, the KYC status and the orders,
newest first, a page at a time."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from onramp.auth import Permission, Principal, Role, require
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.identity import profile_of
from onramp.kyc import kyc_status_of
from onramp.orders import list_orders
from onramp.web.rendering import render

router = APIRouter(prefix="/app", include_in_schema=False)
PAGE_SIZE = 20


@router.get("")
async def home(
    request: Request,
    principal: Annotated[Principal, require(Permission.PROFILE_MANAGE_OWN)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    before: Annotated[uuid.UUID | None, Query()] = None,
) -> Response:
    if principal.role != Role.CUSTOMER:
        return RedirectResponse("/admin", status_code=303)  # staff work in the back office
    # The same services as GET /v1/me, /v1/me/kyc and /v1/orders.
    profile = await profile_of(session, user_id=principal.user_id)
    kyc = await kyc_status_of(
        session, customer_id=principal.user_id, settings=settings.kyc, now=clock.now()
    )
    orders = await list_orders(
        session, customer_id=principal.user_id, limit=PAGE_SIZE, before=before
    )
    return render(
        request,
        "app/home.html",
        principal=principal,
        profile=profile,
        kyc=kyc,
        orders=orders,
        next_before=orders[-1].id if len(orders) == PAGE_SIZE else None,
        first_page=before is None,
    )
