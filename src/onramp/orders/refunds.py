"""Rejected orders give their money back: the one step every rejection takes (the screening
verdict in the saga, a compliance officer's decision), so none of them forgets the refund.

``reject_for_refund`` moves the order to ``rejected`` and marks it for a refund;
``request_refunds`` runs when the step is written, after its ledger entries (a rejection after
pricing first reverses the conversion, so the customer's fiat is back on their account), and
asks banking to return what is left of the order's deposit to its sender: the order moves on to
``refund_pending``. When the bank books the payment (``banking.refund_completed``) the order is
``refunded``. A deposit that cannot be returned (the sender's account is unknown) leaves the
order ``rejected`` with an audited ``order.refund_unavailable`` for an operator to resolve.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking
from onramp.core.audit import audit_row
from onramp.core.clock import utcnow
from onramp.core.errors import Conflict
from onramp.orders.models import Order
from onramp.orders.states import OrderState

if TYPE_CHECKING:
    from onramp.orders.saga import SagaStep

REFUND_REASON = "refund of the received funds"


def reject_for_refund(step: SagaStep, order: Order, *, reason: str | None, **data: Any) -> None:
    step.move(order, OrderState.REJECTED, reason=reason, **data)
    step.refunds.append(order)


async def request_refunds(session: AsyncSession, step: SagaStep, orders: Sequence[Order]) -> None:
    now = utcnow()
    for order in orders:
        if order.state != OrderState.REJECTED.value or order.deposit_id is None:
            continue
        try:
            left = await banking.refundable(session, deposit_id=order.deposit_id)
            refund = await banking.request_refund(
                session,
                deposit_id=order.deposit_id,
                amount=left,
                reason=banking.RefundReason.ORDER_REJECTED.value,
                actor=step.actor,
                order_id=order.id,
                now=now,
            )
        except Conflict as exc:  # raised before anything was written: nothing to undo
            step.audits.append(
                audit_row(
                    actor=step.actor,
                    action="order.refund_unavailable",
                    entity_type="order",
                    entity_id=str(order.id),
                    data={"code": exc.code, "deposit_id": str(order.deposit_id)},
                )
            )
            continue
        step.move(
            order,
            OrderState.REFUND_PENDING,
            reason=REFUND_REASON,
            refund_id=str(refund.id),
            deposit_id=str(order.deposit_id),
            amount=str(left),
            currency=left.currency,
        )
