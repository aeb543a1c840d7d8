"""Orders nobody paid: after ``order_expiry_hours`` an order waiting for its money expires, and
its reference stops funding it. Money that arrives later is a late payment
(:mod:`onramp.banking.booking.payment_rules`): converted anew, sent back or held, as configured."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking
from onramp.orders.models import Order
from onramp.orders.saga import SagaStep
from onramp.orders.states import OrderState


async def expire_unpaid(
    session: AsyncSession, *, now: datetime, after: timedelta, limit: int
) -> int:
    """Expire up to ``limit`` orders unpaid for longer than ``after``; returns how many it
    expired."""
    due = (
        await session.scalars(
            select(Order)
            .where(
                Order.state == OrderState.AWAITING_FUNDS.value,
                Order.created_at < now - after,
                # Not one whose money already arrived (its funding is on its way): selected but
                # never expired, 500 of them would hold up every later order's expiry.
                Order.id.in_(banking.open_expectation_orders()),
            )
            .order_by(Order.created_at, Order.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    closed = set(await banking.expire_expectations(session, order_ids=[o.id for o in due]))
    step = SagaStep(actor="system:orders")
    hours = int(after.total_seconds() // 3600)
    expired = [order for order in due if order.id in closed]
    for order in expired:
        step.move(order, OrderState.EXPIRED, reason=f"not paid within {hours} hours")
    await step.write(session)
    return len(expired)
