"""One order (``/app/orders/{id}``): the deposit instructions with their EPC QR code (a banking
app scans it to prefill the transfer), and the order's progress, live until the USDC arrives:
``/app/orders/{id}/events`` streams the progress section as server-sent events, which ``app.js``
swaps in; without JavaScript a refresh shows the same section. What the page reads is
``orders.order_out``, the answer of ``GET /v1/orders/{id}``."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession
from sse_starlette import EventSourceResponse, ServerSentEvent

from onramp.auth import Permission, Principal, require, still_open
from onramp.banking import epc_qr_svg_data_uri
from onramp.core.db import unit_of_work
from onramp.core.web import SessionDep, SettingsDep, client_ip
from onramp.orders import TERMINAL, OrderState, deposit_qr_payload, get_order, order_out
from onramp.web.rendering import render

router = APIRouter(prefix="/app", include_in_schema=False)
POLL_SECONDS = 1.0
PROGRESS = "app/order_progress.html"
# The steps a customer waits through, in order, and what each means to them.
STEPS = (
    (OrderState.AWAITING_FUNDS, "Waiting for your transfer"),
    (OrderState.FUNDS_RECEIVED, "Transfer received"),
    (OrderState.SCREENING, "Checks"),
    (OrderState.PRICED, "Converted"),
    (OrderState.PAYOUT_QUEUED, "Payout queued"),
    (OrderState.PAYOUT_BROADCAST, "USDC sent"),
    (OrderState.COMPLETED, "USDC in your wallet"),
)


async def _progress(
    session: AsyncSession, request: Request, principal: Principal, order_id: uuid.UUID
) -> dict[str, Any]:
    """What the progress section shows (the same for the page and each event)."""
    order = await get_order(session, order_id=order_id, customer_id=principal.user_id)
    view = await order_out(session, order, request)
    reached = {h.to_state for h in view.history}
    return {
        "order": order,
        "view": view,
        "steps": [(state.value, label, state.value in reached) for state, label in STEPS],
        "live": view.state not in {s.value for s in TERMINAL},
    }


@router.get("/orders/{order_id}")
async def order_page(
    order_id: uuid.UUID,
    request: Request,
    principal: Annotated[Principal, require(Permission.ORDERS_READ_OWN)],
    session: SessionDep,
    settings: SettingsDep,
) -> HTMLResponse:
    progress = await _progress(session, request, principal, order_id)
    order = progress["order"]
    # How to pay, while the order waits for the money (paying an order that ended is a mistake).
    awaiting = order.state == OrderState.AWAITING_FUNDS.value
    payload = deposit_qr_payload(order, settings=settings.banking) if awaiting else None
    return render(
        request,
        "app/order.html",
        principal=principal,
        epc_payload=payload,
        qr=None if payload is None else epc_qr_svg_data_uri(payload),
        **progress,
    )


@router.get("/orders/{order_id}/events")
async def order_events(
    order_id: uuid.UUID,
    request: Request,
    principal: Annotated[Principal, require(Permission.ORDERS_READ_OWN)],
    session: SessionDep,
) -> EventSourceResponse:
    await get_order(session, order_id=order_id, customer_id=principal.user_id)  # theirs, or 404
    return EventSourceResponse(_events(request, principal, order_id))


async def _events(
    request: Request, principal: Principal, order_id: uuid.UUID
) -> AsyncIterator[ServerSentEvent]:
    """The progress section each time it changes, until the order ends (then ``end``). Each
    look is a short transaction of its own: a stream holds no connection while it waits. Each
    look first asks whether the session that opened the stream is still open: signed out,
    revoked or expired, the stream ends (``end``, data ``signed_out``) and shows no more."""
    shown = ""
    while True:
        async with unit_of_work(request.app.state.sessions) as session:
            now, ip = request.app.state.clock.now(), client_ip(request)
            settings = request.app.state.settings
            if not await still_open(session, principal, ip=ip, now=now, settings=settings):
                yield ServerSentEvent("signed_out", event="end")
                return
            progress = await _progress(session, request, principal, order_id)
        html = bytes(render(request, PROGRESS, principal=principal, **progress).body).decode()
        if html != shown:
            shown = html
            yield ServerSentEvent(html, event="progress")
        if not progress["live"]:
            yield ServerSentEvent("", event="end")
            return
        await asyncio.sleep(POLL_SECONDS)
