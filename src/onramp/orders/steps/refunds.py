"""Rejected orders give their money back: the one step every rejection takes (the screening
verdict in the saga, a compliance officer's decision), so none of them forgets the refund.

``reject_for_refund`` moves the order to ``rejected`` and marks it for a refund;
``SagaStep.write`` (``orders/saga.py``) requests the refunds when the step is written, after its
ledger entries (a rejection after pricing first reverses the conversion, so the customer's fiat is
back on their account), and asks banking to return what is left of the order's deposit to its
sender: the order moves on to ``refund_pending``. When the bank books the payment
(``banking.refund_completed``) the order is ``refunded``. A deposit that cannot be returned (the
sender's account is unknown) leaves the order ``rejected`` with an audited
``order.refund_unavailable`` for an operator to resolve.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.orders.models import Order
from onramp.orders.saga import SagaStep, lock_orders
from onramp.orders.states import OrderState


def reject_for_refund(step: SagaStep, order: Order, *, reason: str | None, **data: Any) -> None:
    step.move(order, OrderState.REJECTED, reason=reason, **data)
    step.refunds.append(order)


async def on_refunds_completed(
    session: AsyncSession, completed: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> None:
    """The bank booked these rejected orders' refunds (order id, refund id)."""
    orders = await lock_orders(session, [c[0] for c in completed])
    step = SagaStep(actor="system:orders")
    for order_id, refund_id in completed:
        order = orders.get(order_id)
        if order is not None and order.state == OrderState.REFUND_PENDING.value:
            step.move(
                order,
                OrderState.REFUNDED,
                reason="refunded to the sending account",
                refund_id=str(refund_id),
            )
    await step.write(session)
