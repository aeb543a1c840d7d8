from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, status
from fastapi.responses import JSONResponse

from onramp.auth import Permission, Principal, require
from onramp.core import idempotency
from onramp.core.request_fields import Text
from onramp.core.web import SessionDep, rate_limited
from onramp.orders import queries
from onramp.orders.customer_view import order_out
from onramp.orders.keyed_placement import place_order_once
from onramp.orders.schemas import OrderList, OrderOut, OrderRequest
from onramp.orders.states import OrderState

router = APIRouter(prefix="/v1/orders", tags=["orders"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=[rate_limited("order")],
    summary="Create an order against a quote; returns the deposit instructions",
    description=(
        "Needs an `Idempotency-Key` header: the same key with the same body returns the stored "
        "response; the same key with another body is refused with `idempotency_key_reused`. "
        "The quote must be the caller's, unexpired, for exactly `source_amount`, and its signed "
        "terms intact (send its `signature` as `quote_signature`). Once funds arrive the order "
        "says how it was priced: `pricing_rule`, `pricing_note`, `rate` against `quoted_rate`, "
        "and `price_difference` (docs/pricing.md)."
    ),
    responses={
        400: {"description": "idempotency_key_required"},
        404: {"description": "quote_not_found"},
        403: {
            "description": "email_not_verified; kyc_required (identity not verified: tier 0); "
            "step_up_required, mfa_enrollment_required (large orders)"
        },
        409: {
            "description": "quote_expired, quote_already_used (a quote backs one order), "
            "idempotency_key_reused, wallet_ownership_unproven "
            "(travel rule: prove the self-hosted wallet first)"
        },
        503: {"description": "fx_rate_unavailable, fx_rate_stale (the EUR equivalent for limits)"},
        422: {
            "description": "invalid_amount, quote_mismatch, quote_signature_invalid (the quote's "
            "terms or the `quote_signature` sent do not match its signature), invalid_address, "
            "destination_not_in_address_book, destination_not_allowed (an address of the "
            "operator or the system, the zero address, a precompile); "
            "order_limit_exceeded (the tier's 24-hour or 30-day EUR-equivalent limit; the "
            "problem's `window`, `limit_eur`, `used_eur` and `remaining_eur` say which and how "
            "much is left)"
        },
    },
)
async def create_order(
    body: OrderRequest,
    request: Request,
    principal: Annotated[Principal, require(Permission.ORDERS_CREATE, rate="order")],
    session: SessionDep,
    idempotency_key: Annotated[
        Text | None, Header(alias="Idempotency-Key", max_length=idempotency.MAX_KEY_LENGTH)
    ] = None,
) -> JSONResponse:
    placed = await place_order_once(
        session, request, principal=principal, body=body, idempotency_key=idempotency_key
    )
    headers = {"Idempotent-Replayed": "true"} if placed.replayed else None
    return JSONResponse(placed.body, status_code=placed.status_code, headers=headers)


@router.get("/{order_id}", summary="An order of the caller's, with its history and payout")
async def get_order(
    order_id: uuid.UUID,
    request: Request,
    principal: Annotated[Principal, require(Permission.ORDERS_READ_OWN)],
    session: SessionDep,
) -> OrderOut:
    order = await queries.get_order(session, order_id=order_id, customer_id=principal.user_id)
    return await order_out(session, order, request)


@router.get(
    "",
    summary="The caller's orders, newest first",
    description=(
        "A page of `limit` orders older than `before` (the previous page's `next_before`), "
        "filtered by `state` and by the UTC days they were placed on, `placed_from` to "
        "`placed_to`, both included (422 `order_filter_invalid` when the range ends before it "
        "starts)."
    ),
)
async def list_orders(
    request: Request,
    principal: Annotated[Principal, require(Permission.ORDERS_READ_OWN)],
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    before: uuid.UUID | None = None,
    state: OrderState | None = None,
    placed_from: date | None = None,
    placed_to: date | None = None,
) -> OrderList:
    orders = await queries.list_orders(
        session,
        customer_id=principal.user_id,
        limit=limit,
        before=before,
        where=queries.OrderFilter.for_days(state, placed_from, placed_to),
    )
    data = [await order_out(session, o, request) for o in orders]
    return OrderList(data=data, next_before=orders[-1].id if len(orders) == limit else None)
