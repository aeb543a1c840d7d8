"""Orders as priced: the quote's promise beside the settled price, for the pricing report."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.db import as_int
from onramp.core.money import Money
from onramp.orders.models import Order, OrderTransition
from onramp.orders.states import OrderState


@dataclass(frozen=True)
class PricedOrder:
    order_id: uuid.UUID
    priced_at: datetime
    pricing_rule: str
    pricing_note: str
    source: Money
    quoted_rate: Decimal | None
    rate: Decimal
    quoted_target: Money | None  # None: the money itself placed the order, unquoted
    target: Money

    @property
    def difference(self) -> Money | None:
        """USDC delivered less USDC quoted (negative: the customer got fewer)."""
        return None if self.quoted_target is None else self.target - self.quoted_target


async def priced_between(
    session: AsyncSession, *, start: datetime, end: datetime
) -> list[PricedOrder]:
    """Orders priced in [start, end), by when; an order priced twice (released after a
    review reversed its pricing) appears with its current terms at each pricing."""
    rows = await session.execute(
        select(Order, OrderTransition.at)
        .join(OrderTransition, OrderTransition.order_id == Order.id)
        .where(
            OrderTransition.to_state == OrderState.PRICED.value,
            OrderTransition.at >= start,
            OrderTransition.at < end,
            Order.target_amount.is_not(None),
        )
        .order_by(OrderTransition.at, Order.id)
    )
    out = []
    for order, at in rows:
        assert order.rate is not None
        assert order.target_amount is not None
        out.append(
            PricedOrder(
                order_id=order.id,
                priced_at=at,
                pricing_rule=order.pricing_rule or "",
                pricing_note=order.pricing_note or "",
                source=Money(as_int(order.source_amount), order.source_currency),
                quoted_rate=order.quoted_rate,
                rate=order.rate,
                quoted_target=None
                if order.quoted_target_amount is None
                else Money(as_int(order.quoted_target_amount), order.target_currency),
                target=Money(as_int(order.target_amount), order.target_currency),
            )
        )
    return out
