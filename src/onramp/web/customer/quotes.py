"""Buying USDC (``/app/quote``): an amount and its currency in, the quote with its fee breakdown
and its expiry out; accepting it places the order (``POST /app/orders``), the same services as
``POST /v1/quotes`` and ``POST /v1/orders``. The accept form carries an Idempotency-Key made when
the quote is shown: a second click, or the form sent again, finds the first order."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from onramp.auth import Permission, Principal, require
from onramp.core.money import Money
from onramp.core.web import ClockDep, SessionDep, SettingsDep, rate_limited
from onramp.fx import create_quote, pricing_of
from onramp.orders import OrderRequest, place_order_once
from onramp.web.rendering import render

QUOTE_FORM = "app/quote_form.html"
router = APIRouter(prefix="/app", include_in_schema=False)


@router.get("/quote")
async def quote_form(
    request: Request,
    principal: Annotated[Principal, require(Permission.QUOTES_CREATE)],
    settings: SettingsDep,
    amount: Annotated[str, Query(max_length=40)] = "",
    currency: Annotated[str, Query(max_length=10)] = "EUR",
    done: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    """The form, empty or with an amount to quote again (after a step-up, ``done=step_up``)."""
    return render(
        request,
        QUOTE_FORM,
        principal=principal,
        currencies=settings.fx.offered_currencies,
        amount=amount,
        currency=currency,
        done=done,
    )


@router.post("/quote", dependencies=[rate_limited("quote")])
async def quote(
    request: Request,
    principal: Annotated[Principal, require(Permission.QUOTES_CREATE, rate="quote")],
    session: SessionDep,
    clock: ClockDep,
    amount: Annotated[str, Form(max_length=40)],
    currency: Annotated[str, Form(max_length=10)],
) -> HTMLResponse:
    quoted = await create_quote(
        session,
        desk=request.app.state.fx_desk,
        customer_id=principal.user_id,
        source=Money.parse(amount.strip(), currency),
        target_currency="USDC",
        now=clock.now(),
    )
    return render(
        request,
        "app/quote.html",
        status_code=201,
        principal=principal,
        quote=quoted,
        pricing=pricing_of(quoted),
        # One key per quote shown: the order is placed once however often the form is sent.
        idempotency_key=str(uuid.uuid4()),
    )


@router.post("/orders", dependencies=[rate_limited("order")])
async def accept(
    request: Request,
    principal: Annotated[Principal, require(Permission.ORDERS_CREATE, rate="order")],
    session: SessionDep,
    quote_id: Annotated[uuid.UUID, Form()],
    amount: Annotated[str, Form(max_length=40)],
    currency: Annotated[str, Form(max_length=10)],
    quote_signature: Annotated[str, Form(max_length=200)],
    idempotency_key: Annotated[str, Form(max_length=255)],
) -> RedirectResponse:
    body = OrderRequest(
        quote_id=quote_id,
        source_currency=currency,
        source_amount=amount,
        quote_signature=quote_signature,
    )
    placed = await place_order_once(
        session, request, principal=principal, body=body, idempotency_key=idempotency_key
    )
    return RedirectResponse(f"/app/orders/{placed.body['id']}", status_code=303)
