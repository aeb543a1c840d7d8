"""The customer's order history (``/app/orders``): filtered by state and by the days they were
placed on, newest first, a page at a time (``?before=``), and the same selection as CSV
(``/app/orders.csv``). The list is ``orders.list_orders``, which ``GET /v1/orders`` calls."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from onramp.auth import Permission, Principal, require
from onramp.core.db import as_int
from onramp.core.money import Money
from onramp.core.web import SessionDep
from onramp.orders import Order, OrderFilter, OrderState, list_orders
from onramp.web.rendering import render

router = APIRouter(prefix="/app", include_in_schema=False)
PAGE_SIZE = 20
CSV_PAGE = 100
CSV_COLUMNS = (
    "order_id",
    "placed_at",
    "state",
    "you_pay",
    "pay_currency",
    "you_receive",
    "receive_currency",
)
# A spreadsheet runs a cell that starts so as a formula.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")

StateQuery = Annotated[str, Query(max_length=30)]
DayQuery = Annotated[str, Query(max_length=10)]


@router.get("/orders")
async def history(
    request: Request,
    principal: Annotated[Principal, require(Permission.ORDERS_READ_OWN)],
    session: SessionDep,
    state: StateQuery = "",
    placed_from: DayQuery = "",
    placed_to: DayQuery = "",
    before: Annotated[uuid.UUID | None, Query()] = None,
) -> HTMLResponse:
    where = OrderFilter.parse(state, placed_from, placed_to)
    orders = await list_orders(
        session, customer_id=principal.user_id, limit=PAGE_SIZE, before=before, where=where
    )
    filters = {"state": state, "placed_from": placed_from, "placed_to": placed_to}
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "app/orders.html",
        principal=principal,
        orders=orders,
        states=[s.value for s in OrderState],
        filters=filters,
        query=query,
        next_before=orders[-1].id if len(orders) == PAGE_SIZE else None,
        first_page=before is None,
    )


@router.get("/orders.csv")
async def history_csv(
    principal: Annotated[Principal, require(Permission.ORDERS_READ_OWN)],
    session: SessionDep,
    state: StateQuery = "",
    placed_from: DayQuery = "",
    placed_to: DayQuery = "",
) -> StreamingResponse:
    where = OrderFilter.parse(state, placed_from, placed_to)
    orders: list[Order] = []
    before: uuid.UUID | None = None
    while page := await list_orders(
        session, customer_id=principal.user_id, limit=CSV_PAGE, before=before, where=where
    ):
        orders.extend(page)
        before = page[-1].id
    return StreamingResponse(
        _csv_lines(orders),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="orders.csv"'},
    )


def _csv_lines(orders: list[Order]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for order in orders:
        writer.writerow([_cell(value) for value in _row(order)])
    yield buffer.getvalue()


def _row(order: Order) -> list[str]:
    received = (
        order.target_amount if order.target_amount is not None else order.quoted_target_amount
    )
    return [
        str(order.id),
        order.created_at.isoformat(),
        order.state,
        str(Money(as_int(order.source_amount), order.source_currency)),
        order.source_currency,
        "" if received is None else str(Money(as_int(received), order.target_currency)),
        order.target_currency,
    ]


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA) else value
