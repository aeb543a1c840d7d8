"""Orders held for manual review, decided by compliance: released onto the saga's own path
(priced at funds time, posted, payout queued) or rejected for a refund. Each runs in the
officer's (or the approving officer's) transaction, together with the case's decision."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking, chain, fx
from onramp.core.db import as_int
from onramp.core.money import Money
from onramp.orders.models import Order
from onramp.orders.saga import SagaStep, lock_orders
from onramp.orders.states import OrderState
from onramp.orders.steps.conversion import price_and_queue, unprice
from onramp.orders.steps.refunds import reject_for_refund


@dataclass(frozen=True)
class HeldOrder:
    order_id: uuid.UUID
    source: Money
    state: str


async def held_orders(session: AsyncSession, order_ids: Sequence[uuid.UUID]) -> list[HeldOrder]:
    """The orders (locked) and whether they still wait for review."""
    orders = await lock_orders(session, order_ids)
    return [
        HeldOrder(o.id, Money(as_int(o.source_amount), o.source_currency), o.state)
        for o in orders.values()
    ]


async def _received(session: AsyncSession, order: Order) -> tuple[Money, datetime]:
    """What the order's matched deposit brought, and when it was booked (funds time)."""
    # The export shape: ids, amounts and times as JSON strings.
    for deposit in await banking.deposits_for_order(session, order_id=order.id):
        if deposit["id"] == str(order.deposit_id):
            amount = Money(as_int(Decimal(deposit["amount"])), deposit["currency"])
            return amount, datetime.fromisoformat(deposit["booked_at"])
    raise LookupError(f"order {order.id} in review has no matched deposit")


async def release_held(
    session: AsyncSession,
    order_ids: Sequence[uuid.UUID],
    *,
    desk: fx.FxDesk,
    actor: str,
    reason: str,
) -> list[uuid.UUID]:
    """Held orders continue exactly as if screening had cleared them; returns those released
    (an order no longer in review is left alone)."""
    orders = await lock_orders(session, order_ids)
    held = await banking.held_deposits(
        session, deposit_ids=[o.deposit_id for o in orders.values() if o.deposit_id]
    )
    step = SagaStep(actor=actor)
    released = []
    for order in orders.values():
        if order.state != OrderState.MANUAL_REVIEW.value:
            continue
        if order.target_amount is not None:
            # Held after pricing (at the pre-sign check or by a list update): its conversion is
            # posted and its payout waits, held; send that payout, price nothing again. One the
            # bank's return cancelled is not released (the order ends refunded).
            if not await chain.release_held_payouts(session, [order.id]):
                continue
            step.move(
                order, OrderState.PAYOUT_QUEUED, reason=f"released by compliance: {reason}"[:300]
            )
            released.append(order.id)
            continue
        if order.deposit_id not in held:
            continue  # the bank took the deposit back: nothing to price (it ends refunded)
        received, funds_at = await _received(session, order)
        await price_and_queue(
            session,
            step,
            order,
            received,
            funds_at,
            desk=desk,
            screening=f"released by compliance: {reason}"[:300],
            released=True,
        )
        released.append(order.id)
    await step.write(session)
    return released


async def reject_held(
    session: AsyncSession,
    order_ids: Sequence[uuid.UUID],
    *,
    actor: str,
    reason: str,
    case_id: uuid.UUID,
) -> list[uuid.UUID]:
    """Held orders are rejected and their funds go back to the sender (``orders/steps/refunds.py``):
    ``refund_pending`` with the refund requested in this transaction, ``refunded`` once the
    bank booked it."""
    orders = await lock_orders(session, order_ids)
    step = SagaStep(actor=actor)
    rejected = []
    for order in orders.values():
        if order.state != OrderState.MANUAL_REVIEW.value:
            continue
        received, _ = await _received(session, order)
        if order.target_amount is not None:
            # Held after pricing: undo the conversion (the customer is owed the EUR, not the
            # USDC) and make sure its payout is never sent.
            step.entries.append(unprice(order))
            await chain.cancel_held_payouts(session, [order.id], reason=f"compliance: {reason}")
        reject_for_refund(
            step,
            order,
            reason=f"compliance: {reason}"[:300],
            case_id=str(case_id),
            received=str(received),
            currency=received.currency,
        )
        rejected.append(order.id)
    await step.write(session)
    return rejected


async def orders_by_id(session: AsyncSession, order_ids: Sequence[uuid.UUID]) -> list[Order]:
    """The orders, for display (no lock)."""
    if not order_ids:
        return []
    rows = await session.scalars(select(Order).where(Order.id.in_(order_ids)).order_by(Order.id))
    return list(rows.all())
