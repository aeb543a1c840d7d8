"""What the monitoring rules are shown, read once for a whole batch of funded orders.

Per order the rules look at the customer's deposits and orders within the rule set's lookback
before the order's deposit and the order itself (``since``) up to the later of the two
(``until``), plus, for rapid-new-wallet checks, the first order ever to each address used in that
window. ``CustomerHistories.load`` reads these for every customer of the batch in three queries
(deposits, orders, and first uses of the window's addresses before it), over the union of the
batch's windows; ``activities`` then cuts each order's own window from memory, so an order is
shown exactly the activities a read for it alone would return (the batch's other orders of the
same customer included, as history by time, whatever the processing order).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking
from onramp.compliance import Activity
from onramp.orders.models import Order


def _key(a: Activity) -> tuple[datetime, bytes]:
    return a.at, a.id.bytes


@dataclass
class _Customer:
    deposits: list[Activity] = field(default_factory=list)
    orders: list[Activity] = field(default_factory=list)
    # Per lower-cased address: the customer's first order to it before the batch's read window.
    first_before: dict[str, Activity] = field(default_factory=dict)


class CustomerHistories:
    def __init__(self, since: datetime) -> None:
        self._since = since
        self._customers: dict[uuid.UUID, _Customer] = {}

    @classmethod
    async def load(
        cls,
        session: AsyncSession,
        customer_ids: Collection[uuid.UUID],
        *,
        since: datetime,
        until: datetime,
        deposit_activity: Callable[[banking.DepositFact], Activity],
        order_activity: Callable[[Order], Activity],
    ) -> CustomerHistories:
        """The customers' activities in [since, until] (the union of the batch's windows)."""
        histories = cls(since)
        customers = sorted(set(customer_ids))
        for c in customers:
            histories._customers[c] = _Customer()
        for d in await banking.matched_deposits(
            session, since=since, until=until, customer_ids=customers
        ):
            histories._customers[d.customer_id].deposits.append(deposit_activity(d))
        orders = list(
            await session.scalars(
                select(Order).where(
                    Order.customer_id.in_(customers),
                    Order.created_at >= since,
                    Order.created_at <= until,
                )
            )
        )
        for o in orders:
            histories._customers[o.customer_id].orders.append(order_activity(o))
        addresses = sorted({o.destination_address.lower() for o in orders})
        if addresses:
            address = func.lower(Order.destination_address)
            first_uses = await session.scalars(
                select(Order)
                .ext(distinct_on(Order.customer_id, address))
                .where(
                    Order.customer_id.in_(customers),
                    address.in_(addresses),
                    Order.created_at < since,
                )
                .order_by(Order.customer_id, address, Order.created_at, Order.id)
            )
            for o in first_uses:
                first = histories._customers[o.customer_id].first_before
                first[o.destination_address.lower()] = order_activity(o)
        return histories

    def activities(
        self, customer_id: uuid.UUID, *, since: datetime, until: datetime
    ) -> list[Activity]:
        """What a read for one order with this window would return: the deposits and orders in
        [since, until], and the first order before ``since`` to each address used in it."""
        if since < self._since:
            raise ValueError("the window starts before the batch's read")
        customer = self._customers[customer_id]
        deposits = [a for a in customer.deposits if since <= a.at <= until]
        orders = [a for a in customer.orders if since <= a.at <= until]
        seen = {a.id for a in orders}
        first_uses: list[Activity] = []
        for address in sorted({(a.destination or "").lower() for a in orders}):
            first = customer.first_before.get(address)
            if first is None:
                earlier = [
                    a
                    for a in customer.orders
                    if a.at < since and (a.destination or "").lower() == address
                ]
                first = min(earlier, key=_key, default=None)
            if first is not None and first.id not in seen:
                first_uses.append(first)
        return deposits + orders + first_uses
