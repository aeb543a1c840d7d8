"""One step of the order saga: the transitions a unit of work makes, and what they write (the
new states' history, audit rows and outbox events, ledger entries, payouts, alerts, screens and
refunds), written together at the end, set-based, in the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking, chain
from onramp.compliance import AlertDraft, Screened, raise_alerts, record_screens
from onramp.core import metrics
from onramp.core.audit import audit_row, record_many
from onramp.core.clock import utcnow
from onramp.core.errors import Conflict
from onramp.core.events import CloudEvent
from onramp.core.outbox import emit_many, make_event
from onramp.ledger import EntryDraft, post_entries
from onramp.orders import events
from onramp.orders.models import Order, OrderTransition
from onramp.orders.states import OrderState, check_transition

REFUND_REASON = "refund of the received funds"


@dataclass
class SagaStep:
    """What one unit of work accumulates: written together at the end, set-based."""

    actor: str
    history: list[dict[str, Any]] = field(default_factory=list)
    audits: list[dict[str, Any]] = field(default_factory=list)
    events: list[CloudEvent] = field(default_factory=list)
    entries: list[EntryDraft] = field(default_factory=list)
    payouts: list[chain.PayoutRequest] = field(default_factory=list)
    alerts: list[AlertDraft] = field(default_factory=list)
    screens: list[Screened] = field(default_factory=list)
    refunds: list[Order] = field(default_factory=list)  # rejected: their deposits go back
    # (from, to, entered ``from`` at): counted once written (core/metrics.py)
    moves: list[tuple[str, str, datetime | None]] = field(default_factory=list)

    def created(self, order: Order, *, reason: str, audit: dict[str, Any], **data: Any) -> None:
        """A new order's first history row (it starts awaiting funds), its ``order.created``
        audit record (``audit`` its data) and event (``data`` joins the payload)."""
        self.history.append(
            {
                "order_id": order.id,
                "from_state": None,
                "to_state": OrderState.AWAITING_FUNDS.value,
                "reason": reason,
            }
        )
        self.audits.append(
            audit_row(
                actor=self.actor,
                action="order.created",
                entity_type="order",
                entity_id=str(order.id),
                data=audit,
            )
        )
        self.events.append(
            make_event(
                events.ORDER_CREATED,
                {
                    "order_id": str(order.id),
                    "customer_id": str(order.customer_id),
                    "state": OrderState.AWAITING_FUNDS.value,
                    **data,
                },
                source=events.SOURCE,
                entity_id=str(order.id),
                correlation_id=str(order.id),
            )
        )

    def move(self, order: Order, to: OrderState, *, reason: str | None = None, **data: Any) -> None:
        current = OrderState(order.state)
        check_transition(current, to)
        self.moves.append((current.value, to.value, order.updated_at))
        order.state = to.value
        order.updated_at = utcnow()
        self.history.append(
            {
                "order_id": order.id,
                "from_state": current.value,
                "to_state": to.value,
                "reason": reason,
            }
        )
        self.audits.append(
            audit_row(
                actor=self.actor,
                action=f"order.{to.value}",
                entity_type="order",
                entity_id=str(order.id),
                data={"from": current.value, "reason": reason, **data},
            )
        )
        self.events.append(
            make_event(
                events.order_subject(to.value),
                {
                    "order_id": str(order.id),
                    "customer_id": str(order.customer_id),
                    "from": current.value,
                    "state": to.value,
                    **data,
                },
                source=events.SOURCE,
                entity_id=str(order.id),
                correlation_id=str(order.id),
            )
        )

    async def write(self, session: AsyncSession) -> None:
        await session.flush()
        await post_entries(session, self.entries)
        # After the entries: a reversed conversion puts the fiat back before it is refunded.
        await request_refunds(session, self, self.refunds)
        await chain.queue_payouts(session, self.payouts)
        if self.history:
            await session.execute(insert(OrderTransition), self.history)
        await record_many(session, self.audits)
        await emit_many(session, self.events)
        await record_screens(session, self.screens, utcnow())
        if self.alerts:
            await raise_alerts(session, self.alerts, now=utcnow(), actor=self.actor)
        for from_state, to_state, entered in self.moves:
            metrics.order_moved(from_state, to_state, entered)


async def request_refunds(session: AsyncSession, step: SagaStep, orders: Sequence[Order]) -> None:
    """The writing of ``step.refunds`` (``orders/steps/refunds.py`` marks them): here, below the
    refunds module, so the step depends on nothing that depends on it."""
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


async def lock_orders(
    session: AsyncSession, order_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Order]:
    rows = await session.scalars(
        select(Order).where(Order.id.in_(order_ids)).order_by(Order.id).with_for_update()
    )
    return {o.id: o for o in rows}
