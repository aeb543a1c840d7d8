"""The saga's payout steps, driven by the chain's payout events: broadcast, confirmed (the USDC
leaves the customer's account for the vault's), reverted and queued again, failed, or held
before signing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain import mark_payouts_booked
from onramp.compliance import AlertDraft
from onramp.core.clock import utcnow
from onramp.core.db import as_int
from onramp.core.money import Money
from onramp.ledger import chain_account, credit, customer_account, debit, entry
from onramp.orders.saga import SagaStep, lock_orders
from onramp.orders.states import OrderState

VAULT_WALLET = "vault"
TREASURY_HOLDS = frozenset({"treasury_limit", "vault_limit", "vault_already_paid"})


async def on_payouts_broadcast(
    session: AsyncSession, updates: Sequence[tuple[uuid.UUID, str]]
) -> None:
    orders = await lock_orders(session, [u[0] for u in updates])
    step = SagaStep(actor="system:orders")
    for order_id, tx_hash in updates:
        order = orders.get(order_id)
        if order is not None and order.state == OrderState.PAYOUT_QUEUED.value:
            step.move(order, OrderState.PAYOUT_BROADCAST, tx_hash=tx_hash)
    await step.write(session)


async def on_payouts_confirmed(
    session: AsyncSession, updates: Sequence[tuple[uuid.UUID, str, int]]
) -> None:
    orders = await lock_orders(session, [u[0] for u in updates])
    step = SagaStep(actor="system:orders")
    booked: list[uuid.UUID] = []
    for order_id, tx_hash, block in updates:
        order = orders.get(order_id)
        if order is None or order.state in (OrderState.COMPLETED.value, OrderState.FAILED.value):
            continue
        if order.state == OrderState.PAYOUT_QUEUED.value:  # confirmation overtook broadcast
            step.move(order, OrderState.PAYOUT_BROADCAST, tx_hash=tx_hash)
        assert order.target_amount is not None
        paid = Money(as_int(order.target_amount), order.target_currency)
        step.entries.append(
            entry(
                "payout",
                str(order.id),
                debit(customer_account(order.customer_id, paid.currency), paid),
                credit(chain_account(VAULT_WALLET, paid.currency), paid),
            )
        )
        booked.append(order.id)
        step.move(order, OrderState.COMPLETED, tx_hash=tx_hash, block_number=block)
    await step.write(session)
    await mark_payouts_booked(session, booked, now=utcnow())


async def on_payouts_failed(
    session: AsyncSession, updates: Sequence[tuple[uuid.UUID, str]]
) -> None:
    orders = await lock_orders(session, [u[0] for u in updates])
    step = SagaStep(actor="system:orders")
    for order_id, reason in updates:
        order = orders.get(order_id)
        if order is not None and order.state in (
            OrderState.PAYOUT_QUEUED.value,
            OrderState.PAYOUT_BROADCAST.value,
        ):
            step.move(order, OrderState.FAILED, reason=reason[:300])
    await step.write(session)


async def on_payouts_requeued(
    session: AsyncSession, updates: Sequence[tuple[uuid.UUID, str]]
) -> None:
    """These orders' batch reverted when mined (order id, its transaction): nothing was paid,
    and the payouts are queued again as new attempts."""
    orders = await lock_orders(session, [u[0] for u in updates])
    step = SagaStep(actor="system:orders")
    for order_id, tx_hash in updates:
        order = orders.get(order_id)
        if order is not None and order.state == OrderState.PAYOUT_BROADCAST.value:
            why = "batch reverted; queued again"
            step.move(order, OrderState.PAYOUT_QUEUED, reason=why, tx_hash=tx_hash)
    await step.write(session)


def payout_hold_alert(
    customer_id: uuid.UUID, order_id: uuid.UUID, reason: str, evidence: dict[str, Any]
) -> AlertDraft:
    """The holding alert of a payout stopped before signing: by the pre-sign sanctions check
    (``screening``) or by one of the treasury's own payout limits (``treasury``, docs/risk.md)."""
    kind = str(evidence.get("kind", "sanctions_address"))
    # The treasury's limits and the vault's own (its per-payout cap, an order id it already
    # paid) are the treasury's to resolve; a destination hit is screening's.
    source = "treasury" if kind in TREASURY_HOLDS else "screening"
    return AlertDraft(
        customer_id=customer_id,
        source=source,
        kind=kind,
        severity="high",
        reason=reason,
        subject_type="order",
        subject_id=str(order_id),
        dedupe_key=f"{source}:payout:{order_id}",
        hold=True,
        order_id=order_id,
        evidence={k: v for k, v in evidence.items() if k != "kind"},
    )


async def on_payouts_held(
    session: AsyncSession, updates: Sequence[tuple[uuid.UUID, str, dict[str, Any]]]
) -> None:
    """The pre-sign check refused these payouts' destinations, or a payout was over one of the
    treasury's limits: the orders wait for a person, with a holding alert in the customer's
    case."""
    orders = await lock_orders(session, [u[0] for u in updates])
    step = SagaStep(actor="system:orders")
    for order_id, reason, evidence in updates:
        order = orders.get(order_id)
        if order is None or order.state != OrderState.PAYOUT_QUEUED.value:
            continue
        step.move(order, OrderState.MANUAL_REVIEW, reason=reason[:300])
        step.alerts.append(payout_hold_alert(order.customer_id, order.id, reason, evidence))
    await step.write(session)
