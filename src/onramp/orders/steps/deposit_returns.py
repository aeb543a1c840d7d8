"""The bank takes a deposit back: what banking asks first (did the order pay anything from
it?), and the saga's step once the return is booked (the order ends as refunded by the bank)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking, chain
from onramp.orders.saga import SagaStep, lock_orders
from onramp.orders.states import OrderState
from onramp.orders.steps.conversion import unprice

S = OrderState
# Nothing paid from the funds yet. AWAITING_FUNDS: the deposit matched in this very transaction
# (a statement with the credit and its return) or the saga has not handled it yet.
_UNPAID = frozenset(
    {S.AWAITING_FUNDS, S.FUNDS_RECEIVED, S.SCREENING, S.MANUAL_REVIEW, S.PRICED, S.PAYOUT_QUEUED}
)
# Priced and queued: unpaid only while the payout is not signed (it is cancelled here).
_QUEUED = frozenset({S.PRICED, S.PAYOUT_QUEUED})


class UnspentOrderFunds:
    """``banking.booking.returns.OrderFunds`` over the orders table (rows locked by the caller's
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


async def on_deposits_returned(
    session: AsyncSession, returned: Sequence[tuple[uuid.UUID, str]]
) -> None:
    """The bank took back these orders' deposits (order id, the bank's reason) before anything
    was paid from them (banking debited the customer's account and cancelled a payout not yet
    signed, in one transaction): an order priced has its conversion reversed, and each ends as
    refunded by the bank; a person can never release it. An order still awaiting funds (the
    saga had not used the deposit) keeps waiting."""
    orders = await lock_orders(session, [r[0] for r in returned])
    step = SagaStep(actor="system:orders")
    for order_id, reason in returned:
        order = orders.get(order_id)
        if order is None or order.state not in (
            OrderState.FUNDS_RECEIVED.value,
            OrderState.SCREENING.value,
            OrderState.MANUAL_REVIEW.value,
            OrderState.PAYOUT_QUEUED.value,
        ):
            continue
        why = f"deposit returned by the bank ({reason})"
        if order.target_amount is not None:  # priced: the USDC goes back to the FX position
            step.entries.append(unprice(order))
        step.move(order, OrderState.REJECTED, reason=why)
        step.move(order, OrderState.REFUND_PENDING, reason=why)
        step.move(order, OrderState.REFUNDED, reason=why)
    await step.write(session)
