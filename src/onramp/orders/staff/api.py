"""``/v1/admin/orders``: staff read any customer's order and search them all; treasurers and
admins ask for the way out of a failed payout (retry it or refund the fiat), which a second,
different person approves (``orders/staff/operator_actions.py``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from onramp import chain
from onramp.auth import Permission, Principal, require
from onramp.core import idempotency
from onramp.core.db import as_int
from onramp.core.money import Money
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep
from onramp.orders import queries
from onramp.orders.customer_view import order_out
from onramp.orders.models import Order
from onramp.orders.schemas import TransitionOut
from onramp.orders.staff import operator_actions, timeline
from onramp.orders.staff import search as admin_search
from onramp.orders.staff.schemas import (
    AdminOrderOut,
    AdminOrderPage,
    AdminOrderSummary,
    AdminPayoutOut,
    OperatorActionIn,
    OperatorActionOut,
)
from onramp.orders.states import OrderState

router = APIRouter(prefix="/v1/admin/orders", tags=["orders (staff)"])

Reader = Annotated[Principal, require(Permission.ORDERS_READ_ANY)]
Operator = Annotated[Principal, require(Permission.ORDERS_OPERATE, person=True)]

_ACTION_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "permission_denied"},
    404: {"description": "order_not_found"},
    400: {"description": "idempotency_key_required"},
    503: {"description": "chain_node_unavailable (the vault's isPaid could not be read)"},
}


async def admin_order_out(session: AsyncSession, order: Order, request: Request) -> AdminOrderOut:
    """The customer's view of the order, with what staff also need: whose it is, the full
    reason of every step (customers read a redacted one) and why its payout failed."""
    seen = await order_out(session, order, request)
    history = await queries.history_of(session, order.id)
    payout = await chain.payout_for_order(session, order.id)
    return AdminOrderOut(
        **seen.model_dump(exclude={"history", "payout"}),
        customer_id=order.customer_id,
        creditor_reference=order.creditor_reference,
        deposit_id=order.deposit_id,
        history=[
            TransitionOut(from_state=h.from_state, to_state=h.to_state, reason=h.reason, at=h.at)
            for h in history
        ],
        payout=None
        if payout is None
        else AdminPayoutOut(
            tx_hash=payout.tx_hash,
            to=payout.to_address,
            amount=str(payout.amount),
            status=payout.status,
            block_number=payout.block_number,
            failure=payout.failure,
        ),
        ledger=await timeline.ledger_of(session, order),
        screenings=await timeline.screenings_of(session, order),
        events=await timeline.events_of(session, order),
        pending_action=await timeline.pending_action_of(session, order),
    )


def order_summary(order: Order) -> AdminOrderSummary:
    return AdminOrderSummary(
        id=order.id,
        customer_id=order.customer_id,
        state=order.state,
        origin=order.origin,
        source_currency=order.source_currency,
        source_amount=str(Money(as_int(order.source_amount), order.source_currency)),
        target_currency=order.target_currency,
        target_amount=None
        if order.target_amount is None
        else str(Money(as_int(order.target_amount), order.target_currency)),
        destination_address=order.destination_address,
        creditor_reference=order.creditor_reference,
        created_at=order.created_at,
        updated_at=order.updated_at,
    )


@router.get(
    "",
    summary="Search every customer's orders, newest first (cursor-paginated)",
    description=(
        "Filters combine (AND). `amount_min`/`amount_max` compare the order's source amount "
        "and need `currency`; `created_from` is inclusive, `created_to` exclusive; `reference` "
        "is the creditor reference with or without spaces. Pass `next_cursor` back as `cursor` "
        "with the same filters for the next page."
    ),
    responses={
        422: {
            "description": "request_invalid (a malformed parameter: state, uuid, time, limit), "
            "order_search_invalid (amount without currency, reversed range), cursor_invalid, "
            "unknown_currency, invalid_amount, amount_negative, amount_too_precise, "
            "invalid_creditor_reference"
        }
    },
)
async def search_orders(
    principal: Reader,
    session: SessionDep,
    state: OrderState | None = None,
    customer_id: uuid.UUID | None = None,
    reference: Annotated[Text | None, Query(min_length=5, max_length=40)] = None,
    amount_min: Annotated[Text | None, Query(max_length=30)] = None,
    amount_max: Annotated[Text | None, Query(max_length=30)] = None,
    currency: Annotated[Text | None, Query(min_length=3, max_length=10)] = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    cursor: Annotated[Text | None, Query(max_length=admin_search.MAX_CURSOR_LENGTH)] = None,
    limit: Annotated[int, Query(ge=1, le=admin_search.MAX_LIMIT)] = admin_search.DEFAULT_LIMIT,
) -> AdminOrderPage:
    search = admin_search.order_search(
        state=state,
        customer_id=customer_id,
        reference=reference,
        amount_min=amount_min,
        amount_max=amount_max,
        currency_code=currency,
        created_from=created_from,
        created_to=created_to,
    )
    orders, next_cursor = await admin_search.search_orders(
        session, search, limit=limit, cursor=cursor
    )
    return AdminOrderPage(data=[order_summary(o) for o in orders], next_cursor=next_cursor)


@router.get(
    "/{order_id}",
    summary="Any customer's order, with its full history and payout",
    responses={404: {"description": "order_not_found"}},
)
async def get_order(
    order_id: uuid.UUID, request: Request, principal: Reader, session: SessionDep
) -> AdminOrderOut:
    order = await queries.get_order(session, order_id=order_id, customer_id=None)
    return await admin_order_out(session, order, request)


async def _request_action(
    action: str,
    order_id: uuid.UUID,
    body: OperatorActionIn,
    request: Request,
    principal: Principal,
    session: AsyncSession,
    now: datetime,
    idempotency_key: str | None,
) -> JSONResponse:
    key = idempotency.check_key(idempotency_key)
    scope = f"user:{principal.user_id}"
    fingerprint = idempotency.request_fingerprint(
        "POST", request.url.path, body.model_dump(mode="json")
    )
    stored = await idempotency.begin(session, scope=scope, key=key, request_hash=fingerprint)
    if stored is not None:
        return JSONResponse(
            stored.body, status_code=stored.status_code, headers={"Idempotent-Replayed": "true"}
        )
    requested = await operator_actions.request_action(
        session,
        action=action,
        order_id=order_id,
        requester=principal,
        reason=body.reason,
        paid=request.app.state.vault_paid,
        now=now,
    )
    out = OperatorActionOut(
        approval_id=requested.approval_id,
        action=action,
        order_id=requested.order_id,
        status="pending",
        requested_at=requested.requested_at,
    ).model_dump(mode="json")
    await idempotency.finish(session, scope=scope, key=key, status_code=202, body=out)
    return JSONResponse(out, status_code=status.HTTP_202_ACCEPTED)


@router.post(
    "/{order_id}/retry-payout",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=OperatorActionOut,
    summary="Ask to send a failed order's payout again (four-eyes: someone else approves)",
    description=(
        "For an order in `failed` whose payout failed (or was cancelled). Needs an "
        "`Idempotency-Key`. A different staff member with `orders:operate` approves it with "
        "`POST /v1/approvals/{approval_id}/approve`; then the payout is queued again as a new "
        "attempt and the order goes `failed -> payout_queued`. Refused if the vault already "
        "paid the order id on-chain."
    ),
    responses={
        **_ACTION_ERRORS,
        409: {
            "description": "order_not_retryable, payout_already_paid, order_action_pending, "
            "idempotency_key_reused"
        },
    },
)
async def retry_payout(
    order_id: uuid.UUID,
    body: OperatorActionIn,
    request: Request,
    principal: Operator,
    session: SessionDep,
    clock: ClockDep,
    idempotency_key: Annotated[
        Text | None, Header(alias="Idempotency-Key", max_length=idempotency.MAX_KEY_LENGTH)
    ] = None,
) -> JSONResponse:
    return await _request_action(
        operator_actions.RETRY_PAYOUT,
        order_id,
        body,
        request,
        principal,
        session,
        clock.now(),
        idempotency_key,
    )


@router.post(
    "/{order_id}/refund",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=OperatorActionOut,
    summary="Ask to refund a failed order's fiat (four-eyes: someone else approves)",
    description=(
        "For an order in `failed` whose payout failed (or was cancelled). Needs an "
        "`Idempotency-Key`. Once a different staff member with `orders:operate` approves it "
        "(`POST /v1/approvals/{approval_id}/approve`), the conversion is reversed, the payout "
        "cancelled for good, and the deposit returned to the account it came from: "
        "`failed -> rejected -> refund_pending`, `refunded` once the bank books it. Refused if "
        "the vault already paid the order id on-chain. Orders held in `manual_review` are "
        "refunded by compliance, through their case."
    ),
    responses={
        **_ACTION_ERRORS,
        409: {
            "description": "order_not_refundable, payout_already_paid, order_action_pending, "
            "idempotency_key_reused"
        },
    },
)
async def refund(
    order_id: uuid.UUID,
    body: OperatorActionIn,
    request: Request,
    principal: Operator,
    session: SessionDep,
    clock: ClockDep,
    idempotency_key: Annotated[
        Text | None, Header(alias="Idempotency-Key", max_length=idempotency.MAX_KEY_LENGTH)
    ] = None,
) -> JSONResponse:
    return await _request_action(
        operator_actions.REFUND,
        order_id,
        body,
        request,
        principal,
        session,
        clock.now(),
        idempotency_key,
    )
