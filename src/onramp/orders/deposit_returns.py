"""What banking asks when the bank takes a deposit back: did the order pay anything from it?"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking, chain
from onramp.orders.saga import lock_orders
from onramp.orders.states import OrderState

S = OrderState
# Nothing paid from the funds yet. AWAITING_FUNDS: the deposit matched in this very transaction
# (a statement with the credit and its return) or the saga has not handled it yet.
_UNPAID = frozenset(
    {S.AWAITING_FUNDS, S.FUNDS_RECEIVED, S.SCREENING, S.MANUAL_REVIEW, S.PRICED, S.PAYOUT_QUEUED}
)
# Priced and queued: unpaid only while the payout is not signed (it is cancelled here).
_QUEUED = frozenset({S.PRICED, S.PAYOUT_QUEUED})


class UnspentOrderFunds:
    """``banking.returns.OrderFunds`` over the orders table (rows locked by the caller's
    transaction, so the saga cannot price an order while its deposit is being returned, and a
    payout not yet signed is cancelled before the sender can sign it)."""

    async def take_back(
        self, session: AsyncSession, order_ids: Sequence[uuid.UUID]
    ) -> banking.HeldFunds:
        orders = await lock_orders(session, order_ids)
        candidates = [oid for oid, o in orders.items() if o.state in _UNPAID]
        cancelled = set(
            await chain.cancel_unsent_payouts(
                session, candidates, reason="deposit returned by the bank"
            )
        )
        unpaid = {oid for oid in candidates if orders[oid].state not in _QUEUED or oid in cancelled}
        awaiting = {oid for oid in unpaid if orders[oid].state == S.AWAITING_FUNDS}
        return banking.HeldFunds(unpaid=frozenset(unpaid), awaiting=frozenset(awaiting))
