"""What banking asks when the bank takes a deposit back: does the order still hold its funds?"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.orders.service import lock_orders
from onramp.orders.states import OrderState

# Funds arrived and are still the customer's fiat: nothing priced, paid or refunded yet.
FUNDS_HELD = frozenset({OrderState.FUNDS_RECEIVED, OrderState.SCREENING, OrderState.MANUAL_REVIEW})


class UnspentOrderFunds:
    """``banking.returns.OrderFunds`` over the orders table (rows locked by the caller's
    transaction, so the saga cannot price an order while its deposit is being returned)."""

    async def unspent(
        self, session: AsyncSession, order_ids: Sequence[uuid.UUID]
    ) -> set[uuid.UUID]:
        orders = await lock_orders(session, order_ids)
        return {oid for oid, o in orders.items() if o.state in FUNDS_HELD}
