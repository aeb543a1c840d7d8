"""Staff search over every customer's orders: by state, customer, creditor reference, amount
(in one currency) and creation time, newest first, one query per page.

Pages are cut by an opaque cursor over ``(created_at, id)``: the last order of a page, so a
page never repeats or skips an order that already existed, whatever is created meanwhile.
Every parameter is checked here (stable codes, 422): nothing a caller sends reaches the query
unvalidated.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import normalize_creditor_reference
from onramp.core.money import Money, currency
from onramp.orders.errors import OrderCursorInvalid, OrderSearchInvalid
from onramp.orders.models import Order
from onramp.orders.states import OrderState

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_CURSOR_LENGTH = 200


@dataclass(frozen=True)
class OrderSearch:
    state: OrderState | None = None
    customer_id: uuid.UUID | None = None
    reference: str | None = None  # compact creditor reference (no spaces, upper case)
    amount_min: Money | None = None  # the order's source amount, in ``currency``
    amount_max: Money | None = None
    currency: str | None = None
    created_from: datetime | None = None  # inclusive
    created_to: datetime | None = None  # exclusive


def _aware(at: datetime | None) -> datetime | None:
    """A time without a zone is read as UTC (the API's times all carry one)."""
    if at is None or at.tzinfo is not None:
        return at
    return at.replace(tzinfo=UTC)


def order_search(
    *,
    state: OrderState | None = None,
    customer_id: uuid.UUID | None = None,
    reference: str | None = None,
    amount_min: str | None = None,
    amount_max: str | None = None,
    currency_code: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> OrderSearch:
    """The search, checked: an amount needs its currency, ranges must not be reversed."""
    code = None
    if currency_code is not None:
        code = currency(currency_code.strip().upper()).code
    if (amount_min is not None or amount_max is not None) and code is None:
        raise OrderSearchInvalid("amount_min and amount_max need a currency")
    low = None if amount_min is None else Money.parse(amount_min.strip(), code or "")
    high = None if amount_max is None else Money.parse(amount_max.strip(), code or "")
    if low is not None and high is not None and low > high:
        raise OrderSearchInvalid("amount_min is above amount_max")
    start, end = _aware(created_from), _aware(created_to)
    if start is not None and end is not None and start >= end:
        raise OrderSearchInvalid("created_from must be before created_to")
    return OrderSearch(
        state=state,
        customer_id=customer_id,
        reference=None if reference is None else normalize_creditor_reference(reference),
        amount_min=low,
        amount_max=high,
        currency=code,
        created_from=start,
        created_to=end,
    )


def encode_cursor(created_at: datetime, order_id: uuid.UUID) -> str:
    raw = json.dumps([created_at.isoformat(), str(order_id)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The position a cursor names; ``cursor_invalid`` for anything this module did not make."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        raise OrderCursorInvalid()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, order_id = json.loads(raw)
        position = datetime.fromisoformat(at), uuid.UUID(order_id)
    except (binascii.Error, ValueError, TypeError, AttributeError):
        raise OrderCursorInvalid() from None
    if position[0].tzinfo is None:
        raise OrderCursorInvalid()
    return position


def _query(search: OrderSearch) -> Select[Order]:
    query = select(Order)
    if search.state is not None:
        query = query.where(Order.state == search.state.value)
    if search.customer_id is not None:
        query = query.where(Order.customer_id == search.customer_id)
    if search.reference is not None:
        query = query.where(Order.creditor_reference == search.reference)
    if search.currency is not None:
        query = query.where(Order.source_currency == search.currency)
    if search.amount_min is not None:
        query = query.where(Order.source_amount >= search.amount_min.minor)
    if search.amount_max is not None:
        query = query.where(Order.source_amount <= search.amount_max.minor)
    if search.created_from is not None:
        query = query.where(Order.created_at >= search.created_from)
    if search.created_to is not None:
        query = query.where(Order.created_at < search.created_to)
    return query


async def search_orders(
    session: AsyncSession, search: OrderSearch, *, limit: int, cursor: str | None
) -> tuple[Sequence[Order], str | None]:
    """One page of matching orders, newest first, and the cursor of the next page (None: this
    was the last)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise OrderSearchInvalid(f"limit must be 1 to {MAX_LIMIT}")
    query = _query(search)
    if cursor is not None:
        at, order_id = decode_cursor(cursor)
        query = query.where(tuple_(Order.created_at, Order.id) < tuple_(at, order_id))
    rows = (
        await session.scalars(
            query.order_by(Order.created_at.desc(), Order.id.desc()).limit(limit + 1)
        )
    ).all()
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_cursor(last.created_at, last.id)
