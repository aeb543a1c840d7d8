"""The orders side of a re-screen after a list update: every order not yet paid, against the
latest lists (saved wallets are re-screened by ``wallets``).

An unpaid order to a listed address is held: a queued payout is stopped and the order moves to
``manual_review``; an order still awaiting funds carries a holding alert and is held by the
deposit screen when its funds arrive (it cannot be in review before it is funded); an order
already signed or sent is past holding.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp import chain
from onramp.compliance import RescreenHit, RescreenSubject
from onramp.orders.models import Order
from onramp.orders.saga import SagaStep, lock_orders
from onramp.orders.states import OrderState

# Orders whose USDC has not left: re-screened after a list update.
UNPAID = (
    OrderState.AWAITING_FUNDS,
    OrderState.FUNDS_RECEIVED,
    OrderState.SCREENING,
    OrderState.MANUAL_REVIEW,
    OrderState.PRICED,
    OrderState.PAYOUT_QUEUED,
)


class UnpaidOrders:
    name = "unpaid_orders"

    async def subjects(
        self, session: AsyncSession, *, after: str | None, limit: int
    ) -> Sequence[RescreenSubject]:
        query = select(Order).where(Order.state.in_([s.value for s in UNPAID]))
        if after is not None:
            query = query.where(Order.id > uuid.UUID(after))
        rows = await session.scalars(query.order_by(Order.id).limit(limit))
        return [
            RescreenSubject(
                key=str(o.id),
                customer_id=o.customer_id,
                subject_type="order",
                subject_id=str(o.id),
                address=o.destination_address,
                order_id=o.id,
            )
            for o in rows
        ]

    async def on_hits(
        self, session: AsyncSession, hits: Sequence[RescreenHit], *, now: datetime
    ) -> None:
        reasons = {
            h.subject.order_id: f"list update: destination is {h.finding.reason}"
            for h in hits
            if h.subject.order_id is not None
        }
        orders = await lock_orders(session, list(reasons))
        queued = [o for o in orders.values() if o.state == OrderState.PAYOUT_QUEUED.value]
        step = SagaStep(actor="system:rescreen")
        for order in queued:
            stopped = await chain.hold_queued_payouts(session, [order.id], reason=reasons[order.id])
            if stopped:
                step.move(order, OrderState.MANUAL_REVIEW, reason=reasons[order.id][:300])
        await step.write(session)
