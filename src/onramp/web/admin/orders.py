"""Staff's order pages: ``/admin/orders`` searches every order (state, customer, reference,
amount, dates; a page at a time; CSV), ``/admin/orders/{id}`` shows one order's timeline (states,
ledger postings, audit events, screens, payout) and starts a retry or a refund, which waits for
a second person's approval (``/v1/approvals``). The same services as ``/v1/admin/orders``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from onramp.auth import Permission, Principal, allowed, require
from onramp.core.errors import InvalidInput
from onramp.core.web import ClockDep, SessionDep
from onramp.orders import (
    MAX_CURSOR_LENGTH,
    MAX_LIMIT,
    REFUND,
    RETRY_PAYOUT,
    OperatorActionIn,
    Order,
    OrderSearch,
    OrderState,
    admin_order_out,
    get_order,
    order_search,
    order_summary,
    search_orders,
)
from onramp.orders import request_action as operator_actions_request_action
from onramp.web.csv_export import csv_download
from onramp.web.rendering import render

router = APIRouter(prefix="/admin/orders", include_in_schema=False)
Reader = Annotated[Principal, require(Permission.ORDERS_READ_ANY)]
Operator = Annotated[Principal, require(Permission.ORDERS_OPERATE, person=True)]
PAGE_SIZE = 25
ACTIONS = {"retry-payout": RETRY_PAYOUT, "refund": REFUND}


class FilterInvalid(InvalidInput):
    code = "order_filter_invalid"
    title = "A filter is not valid"


def _text(value: str) -> str | None:
    return value.strip() or None


@dataclass(frozen=True)
class Filters:
    """The search form as typed (empty: not filtered), kept to fill the form again."""

    state: str = ""
    customer_id: str = ""
    reference: str = ""
    amount_min: str = ""
    amount_max: str = ""
    currency: str = ""
    created_from: str = ""  # a day (YYYY-MM-DD), inclusive
    created_to: str = ""  # a day, inclusive

    def search(self) -> OrderSearch:
        try:
            state = OrderState(self.state) if self.state else None
            customer = uuid.UUID(self.customer_id.strip()) if self.customer_id.strip() else None
            start = _day(self.created_from)
            end = _day(self.created_to)
        except ValueError as exc:
            raise FilterInvalid(str(exc)) from None
        return order_search(
            state=state,
            customer_id=customer,
            reference=_text(self.reference),
            amount_min=_text(self.amount_min),
            amount_max=_text(self.amount_max),
            currency_code=_text(self.currency),
            created_from=start,
            created_to=None if end is None else end + timedelta(days=1),
        )

    def query(self) -> str:
        """The filters as a URL's query (the next page and the CSV keep them)."""
        return urlencode({k: v for k, v in asdict(self).items() if v})


def _day(value: str) -> datetime | None:
    return datetime.combine(date.fromisoformat(value), time(), UTC) if value.strip() else None


def _filters(
    state: Annotated[str, Query(max_length=30)] = "",
    customer_id: Annotated[str, Query(max_length=40)] = "",
    reference: Annotated[str, Query(max_length=40)] = "",
    amount_min: Annotated[str, Query(max_length=30)] = "",
    amount_max: Annotated[str, Query(max_length=30)] = "",
    currency: Annotated[str, Query(max_length=10)] = "",
    created_from: Annotated[str, Query(max_length=10)] = "",
    created_to: Annotated[str, Query(max_length=10)] = "",
) -> Filters:
    return Filters(
        state, customer_id, reference, amount_min, amount_max, currency, created_from, created_to
    )


FiltersDep = Annotated[Filters, Depends(_filters)]


@router.get("")
async def search(
    request: Request,
    principal: Reader,
    session: SessionDep,
    filters: FiltersDep,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)] = None,
) -> Response:
    orders, next_cursor = await search_orders(
        session, filters.search(), limit=PAGE_SIZE, cursor=cursor or None
    )
    return render(
        request,
        "admin/orders.html",
        principal=principal,
        filters=filters,
        states=[s.value for s in OrderState],
        results=[order_summary(o) for o in orders],
        next_cursor=next_cursor,
        first=cursor is None,
    )


async def _every(session: SessionDep, filters: Filters) -> list[Order]:
    found, cursor = await search_orders(session, filters.search(), limit=MAX_LIMIT, cursor=None)
    orders = list(found)
    while cursor is not None:
        found, cursor = await search_orders(
            session, filters.search(), limit=MAX_LIMIT, cursor=cursor
        )
        orders += found
    return orders


@router.get("/export.csv")
async def export(principal: Reader, session: SessionDep, filters: FiltersDep) -> Response:
    """Every matching order, newest first."""
    rows: Sequence[Order] = await _every(session, filters)
    header = (
        "id", "created_at", "state", "customer_id", "creditor_reference", "source_amount",
        "source_currency", "target_amount", "target_currency", "destination_address",
    )  # fmt: skip
    return csv_download(
        "orders.csv",
        header,
        (
            (
                s.id,
                s.created_at.isoformat(),
                s.state,
                s.customer_id,
                s.creditor_reference,
                s.source_amount,
                s.source_currency,
                s.target_amount,
                s.target_currency,
                s.destination_address,
            )  # fmt: skip
            for s in map(order_summary, rows)
        ),
    )


async def _order_page(
    request: Request,
    principal: Principal,
    session: SessionDep,
    order_id: uuid.UUID,
    *,
    status_code: int = 200,
    error: dict[str, str] | None = None,
) -> Response:
    order = await get_order(session, order_id=order_id, customer_id=None)
    return render(
        request,
        "admin/order.html",
        status_code=status_code,
        principal=principal,
        order=await admin_order_out(session, order, request),
        may_operate=allowed(principal.role, Permission.ORDERS_OPERATE),
        error=error,
    )


@router.get("/{order_id}")
async def order(
    order_id: uuid.UUID, request: Request, principal: Reader, session: SessionDep
) -> Response:
    return await _order_page(request, principal, session, order_id)


@router.post("/{order_id}/{act}")
async def request_action(
    order_id: uuid.UUID,
    act: Literal["retry-payout", "refund"],
    request: Request,
    principal: Operator,
    session: SessionDep,
    clock: ClockDep,
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """The first pair of eyes: the request waits for a different person's approval."""
    try:
        body = OperatorActionIn(reason=reason)
    except ValidationError:
        error = {"title": "A reason is needed", "detail": "Say why, in 3 to 500 characters."}
        return await _order_page(
            request, principal, session, order_id, status_code=422, error=error
        )
    await operator_actions_request_action(
        session,
        action=ACTIONS[act],
        order_id=order_id,
        requester=principal,
        reason=body.reason,
        paid=request.app.state.vault_paid,
        now=clock.now(),
    )
    return RedirectResponse(f"/admin/orders/{order_id}", status_code=303)
