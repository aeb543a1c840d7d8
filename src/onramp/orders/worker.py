"""The orders worker: drives the saga from banking and chain events. Where each event goes:

- ``banking.deposit_matched``: an order's deposit to ``funds_received``; a deposit that funds no
  order yet (a standing reference, a late payment) first places one (``placed_by_deposit``);
- ``banking.deposit_returned``: ``deposit_returns``; ``banking.refund_completed``: ``refunds``;
- ``chain.payout_broadcast``, ``_confirmed``, ``_requeued``, ``_failed``, ``_held``: ``payouts``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking, chain, fx
from onramp.core.clock import utcnow
from onramp.core.consumer import Consumer
from onramp.core.events import CloudEvent
from onramp.core.money import Money
from onramp.core.settings import KycSettings
from onramp.orders.placement.placed_by_deposit import DepositOrder, Funded, place_orders
from onramp.orders.saga import SagaStep
from onramp.orders.screens.screening import Screener
from onramp.orders.steps import deposit_returns, funds_received, payouts, refunds
from onramp.orders.travel.policy import TravelRulePolicy


def _refunds_the_order(data: dict[str, Any]) -> bool:
    """A rejected order's own refund; other refunds of its deposit (an excess) leave it be."""
    return bool(data.get("order_id")) and data.get("reason") == banking.RefundReason.ORDER_REJECTED


@dataclass
class _Batch:
    """One batch's events, by the saga step that takes them (each list in the batch's order)."""

    matched: list[Funded] = field(default_factory=list)
    to_place: list[DepositOrder] = field(default_factory=list)
    broadcast: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    confirmed: list[tuple[uuid.UUID, str, int]] = field(default_factory=list)
    failed: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    requeued: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    held: list[tuple[uuid.UUID, str, dict[str, Any]]] = field(default_factory=list)
    returned: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    refunded: list[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=list)

    @classmethod
    def of(cls, events: Sequence[CloudEvent]) -> _Batch:
        batch = cls()
        for e in events:
            batch.add(e.type, e.data)
        return batch

    def add(self, kind: str, d: dict[str, Any]) -> None:
        if kind == banking.DEPOSIT_MATCHED and d.get("order_id") is None:
            self.to_place.append(_deposit_order(d))
        elif kind == banking.DEPOSIT_MATCHED:
            amount = Money.parse(d["amount"], d["currency"])
            self.matched.append(
                (
                    uuid.UUID(d["order_id"]),
                    uuid.UUID(d["deposit_id"]),
                    amount,
                    datetime.fromisoformat(d["booked_at"]),
                )
            )
        elif kind == banking.DEPOSIT_RETURNED:
            if _took_back_order_funds(d):
                self.returned.append((uuid.UUID(d["order_id"]), d.get("return_reason") or "-"))
        elif kind == chain.PAYOUT_BROADCAST:
            self.broadcast.append((uuid.UUID(d["order_id"]), d["tx_hash"]))
        elif kind == chain.PAYOUT_CONFIRMED:
            self.confirmed.append((uuid.UUID(d["order_id"]), d["tx_hash"], int(d["block_number"])))
        elif kind == chain.PAYOUT_REQUEUED:
            self.requeued.append((uuid.UUID(d["order_id"]), d.get("tx_hash") or "-"))
        elif kind == chain.PAYOUT_FAILED:
            self.failed.append((uuid.UUID(d["order_id"]), d["reason"]))
        elif kind == chain.PAYOUT_HELD:
            self.held.append((uuid.UUID(d["order_id"]), d["reason"], dict(d.get("evidence", {}))))
        elif kind == banking.REFUND_COMPLETED and _refunds_the_order(d):
            self.refunded.append((uuid.UUID(d["order_id"]), uuid.UUID(d["refund_id"])))


def orders_consumer(
    *,
    desk: fx.FxDesk,
    screener: Screener,
    kyc_settings: KycSettings,
    travel_rule_policy: TravelRulePolicy,
    funding_min_score: float = banking.DEFAULT_HOLDER_NAME_MIN_SCORE,
) -> Consumer:
    async def handle(session: AsyncSession, events: Sequence[CloudEvent]) -> None:
        # Keep the events' order across kinds: a batch may hold an order's deposit and payout.
        batch = _Batch.of(events)
        matched = batch.matched + await _place(session, batch.to_place, travel_rule_policy)
        if matched:
            await funds_received.on_deposits_matched(
                session,
                matched,
                desk=desk,
                screener=screener,
                kyc_settings=kyc_settings,
                funding_min_score=funding_min_score,
            )
        if batch.returned:
            await deposit_returns.on_deposits_returned(session, batch.returned)
        if batch.broadcast:
            await payouts.on_payouts_broadcast(session, batch.broadcast)
        if batch.confirmed:
            await payouts.on_payouts_confirmed(session, batch.confirmed)
        if batch.requeued:
            await payouts.on_payouts_requeued(session, batch.requeued)
        if batch.failed:
            await payouts.on_payouts_failed(session, batch.failed)
        if batch.held:
            await payouts.on_payouts_held(session, batch.held)
        if batch.refunded:
            await refunds.on_refunds_completed(session, batch.refunded)

    return Consumer(
        name="orders",
        subjects=(
            banking.DEPOSIT_MATCHED,
            banking.DEPOSIT_RETURNED,
            chain.PAYOUT_BROADCAST,
            chain.PAYOUT_CONFIRMED,
            chain.PAYOUT_FAILED,
            chain.PAYOUT_REQUEUED,
            chain.PAYOUT_HELD,
            banking.REFUND_COMPLETED,
        ),
        handle=handle,
    )


async def _place(
    session: AsyncSession, to_place: Sequence[DepositOrder], policy: TravelRulePolicy
) -> list[Funded]:
    """The orders deposits place; a deposit the bank already took back places no order."""
    if not to_place:
        return []
    still_held = await banking.held_deposits(session, deposit_ids=[d.deposit_id for d in to_place])
    to_place = [d for d in to_place if d.deposit_id in still_held]
    if not to_place:
        return []
    step = SagaStep(actor="system:orders")
    funded = await place_orders(session, step, to_place, policy=policy, now=utcnow())
    await step.write(session)
    return funded


def _deposit_order(data: dict[str, Any]) -> DepositOrder:
    wanted = data["auto_order"]
    return DepositOrder(
        deposit_id=uuid.UUID(data["deposit_id"]),
        customer_id=uuid.UUID(data["customer_id"]),
        amount=Money.parse(data["amount"], data["currency"]),
        booked_at=datetime.fromisoformat(data["booked_at"]),
        origin=wanted["origin"],
        destination=wanted.get("destination"),
        replaces=uuid.UUID(wanted["replaces"]) if wanted.get("replaces") else None,
    )


def _took_back_order_funds(data: dict[str, Any]) -> bool:
    """The return was booked against the customer's account: the order still held the funds."""
    account = str(data.get("debited_account") or "")
    return (
        data.get("status") == "booked"
        and data.get("order_id") is not None
        and account.startswith("customer:")
    )
