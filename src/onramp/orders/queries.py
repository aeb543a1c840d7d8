"""Reading orders: one order (restricted to its owner when asked), a customer's orders page by page,
an order's state history, a customer's data-rights export, orders and customers by each
other's ids, and how many orders wait in each state (the operators' metrics)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Self

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking, chain
from onramp.core.backlog import Backlog, backlog_of
from onramp.core.db import row_dict
from onramp.orders.errors import OrderFilterInvalid, OrderNotFound
from onramp.orders.models import Order, OrderTransition
from onramp.orders.states import TERMINAL, OrderState


async def get_order(
    session: AsyncSession, *, order_id: uuid.UUID, customer_id: uuid.UUID | None
) -> Order:
    """The order; ``customer_id`` restricts it to its owner (another customer's is not found)."""
    order = await session.get(Order, order_id)
    if order is None or (customer_id is not None and order.customer_id != customer_id):
        raise OrderNotFound()
    return order


@dataclass(frozen=True)
class OrderFilter:
    """Which of a customer's orders to list: in ``state``, placed from ``placed_from``
    (inclusive) until ``placed_until`` (exclusive)."""

    state: OrderState | None = None
    placed_from: datetime | None = None
    placed_until: datetime | None = None

    @classmethod
    def for_days(
        cls, state: OrderState | None, first_day: date | None, last_day: date | None
    ) -> Self:
        """Orders placed on ``first_day`` to ``last_day``, both included, as UTC days."""
        if first_day and last_day and last_day < first_day:
            raise OrderFilterInvalid("the date range ends before it starts")
        return cls(
            state=state,
            placed_from=None if first_day is None else datetime.combine(first_day, time(), UTC),
            placed_until=None
            if last_day is None
            else datetime.combine(last_day + timedelta(days=1), time(), UTC),
        )

    @classmethod
    def parse(cls, state: str, first_day: str, last_day: str) -> Self:
        """The filter of a form's fields (empty: no filter on it)."""
        try:
            return cls.for_days(
                OrderState(state) if state else None,
                date.fromisoformat(first_day) if first_day else None,
                date.fromisoformat(last_day) if last_day else None,
            )
        except ValueError as exc:  # an unknown state, or not a YYYY-MM-DD date
            raise OrderFilterInvalid(f"not a state or a date: {exc}") from None


async def list_orders(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    limit: int,
    before: uuid.UUID | None,
    where: OrderFilter | None = None,
) -> list[Order]:
    """The customer's orders, newest first, ``limit`` of them older than ``before``."""
    query = select(Order).where(Order.customer_id == customer_id)
    if before is not None:
        query = query.where(Order.id < before)
    if where is not None and where.state is not None:
        query = query.where(Order.state == where.state.value)
    if where is not None and where.placed_from is not None:
        query = query.where(Order.created_at >= where.placed_from)
    if where is not None and where.placed_until is not None:
        query = query.where(Order.created_at < where.placed_until)
    return list((await session.scalars(query.order_by(Order.id.desc()).limit(limit))).all())


async def history_of(session: AsyncSession, order_id: uuid.UUID) -> list[OrderTransition]:
    rows = await session.scalars(
        select(OrderTransition)
        .where(OrderTransition.order_id == order_id)
        .order_by(OrderTransition.id)
    )
    return list(rows.all())


async def export_orders(session: AsyncSession, *, customer_id: uuid.UUID) -> list[dict[str, Any]]:
    """The customer's orders with their state history, deposits and payouts."""
    orders = list(
        await session.scalars(
            select(Order).where(Order.customer_id == customer_id).order_by(Order.id)
        )
    )
    out = []
    for order in orders:
        payout = await chain.payout_for_order(session, order.id)
        out.append(
            {
                **row_dict(order),
                "history": [row_dict(h) for h in await history_of(session, order.id)],
                "deposits": await banking.deposits_for_order(session, order_id=order.id),
                "payout": None
                if payout is None
                else {
                    "to": payout.to_address,
                    "amount": str(payout.amount),
                    "status": payout.status,
                    "tx_hash": payout.tx_hash,
                    "block_number": payout.block_number,
                },
            }
        )
    return out


async def customers_of(
    session: AsyncSession, *, order_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """Each order's customer, in one query (an unknown order is simply absent)."""
    if not order_ids:
        return {}
    rows = await session.execute(select(Order.id, Order.customer_id).where(Order.id.in_(order_ids)))
    return {order_id: customer_id for order_id, customer_id in rows.all()}


async def order_ids_of(
    session: AsyncSession, *, customer_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    if not customer_ids:
        return []
    rows = await session.scalars(select(Order.id).where(Order.customer_id.in_(customer_ids)))
    return list(rows.all())


async def order_backlog(session: AsyncSession) -> list[Backlog]:
    """Orders in each state that is not an end, and since when the oldest sits there."""
    active = [s.value for s in OrderState if s not in TERMINAL]
    return await backlog_of(session, Order.state, Order.updated_at, active)
