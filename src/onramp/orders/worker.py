"""The orders worker: drives the saga from banking and chain events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking, chain, fx
from onramp.core.clock import utcnow
from onramp.core.consumer import Consumer
from onramp.core.events import CloudEvent
from onramp.core.money import Money
from onramp.core.settings import KycSettings
from onramp.orders import deposit_returns, funds_received, payouts, refunds
from onramp.orders.placed_by_deposit import DepositOrder, place_orders
from onramp.orders.saga import SagaStep
from onramp.orders.screening import Screener
from onramp.orders.travel_rule import TravelRulePolicy


def _refunds_the_order(data: dict[str, Any]) -> bool:
    """A rejected order's own refund; other refunds of its deposit (an excess) leave it be."""
    return bool(data.get("order_id")) and data.get("reason") == banking.RefundReason.ORDER_REJECTED


def orders_consumer(
    *,
    desk: fx.FxDesk,
    screener: Screener,
    kyc_settings: KycSettings,
    travel_rule_policy: TravelRulePolicy,
    funding_min_score: float = banking.DEFAULT_HOLDER_NAME_MIN_SCORE,
) -> Consumer:
    async def handle(session: AsyncSession, batch: Sequence[CloudEvent]) -> None:
        # Keep the events' order across kinds: a batch may hold an order's deposit and payout.
        matched: list[tuple[uuid.UUID, uuid.UUID, Money, datetime]] = []
        to_place: list[DepositOrder] = []
        broadcast: list[tuple[uuid.UUID, str]] = []
        confirmed: list[tuple[uuid.UUID, str, int]] = []
        failed: list[tuple[uuid.UUID, str]] = []
        requeued: list[tuple[uuid.UUID, str]] = []
        held: list[tuple[uuid.UUID, str, dict[str, Any]]] = []
        returned: list[tuple[uuid.UUID, str]] = []
        refunded: list[tuple[uuid.UUID, uuid.UUID]] = []
        for e in batch:
            d = e.data
            if e.type == banking.DEPOSIT_MATCHED and d.get("order_id") is None:
                to_place.append(_deposit_order(d))
            elif e.type == banking.DEPOSIT_MATCHED:
                amount = Money.parse(d["amount"], d["currency"])
                matched.append(
                    (
                        uuid.UUID(d["order_id"]),
                        uuid.UUID(d["deposit_id"]),
                        amount,
                        datetime.fromisoformat(d["booked_at"]),
                    )
                )
            elif e.type == banking.DEPOSIT_RETURNED:
                if _took_back_order_funds(d):
                    returned.append((uuid.UUID(d["order_id"]), d.get("return_reason") or "-"))
            elif e.type == chain.PAYOUT_BROADCAST:
                broadcast.append((uuid.UUID(d["order_id"]), d["tx_hash"]))
            elif e.type == chain.PAYOUT_CONFIRMED:
                confirmed.append((uuid.UUID(d["order_id"]), d["tx_hash"], int(d["block_number"])))
            elif e.type == chain.PAYOUT_REQUEUED:
                requeued.append((uuid.UUID(d["order_id"]), d.get("tx_hash") or "-"))
            elif e.type == chain.PAYOUT_FAILED:
                failed.append((uuid.UUID(d["order_id"]), d["reason"]))
            elif e.type == chain.PAYOUT_HELD:
                held.append((uuid.UUID(d["order_id"]), d["reason"], dict(d.get("evidence", {}))))
            elif e.type == banking.REFUND_COMPLETED and _refunds_the_order(d):
                refunded.append((uuid.UUID(d["order_id"]), uuid.UUID(d["refund_id"])))
        if to_place:  # a deposit the bank already took back places no order
            still_held = await banking.held_deposits(
                session, deposit_ids=[d.deposit_id for d in to_place]
            )
            to_place = [d for d in to_place if d.deposit_id in still_held]
        if to_place:
            step = SagaStep(actor="system:orders")
            matched += await place_orders(
                session, step, to_place, policy=travel_rule_policy, now=utcnow()
            )
            await step.write(session)
        if matched:
            await funds_received.on_deposits_matched(
                session,
                matched,
                desk=desk,
                screener=screener,
                kyc_settings=kyc_settings,
                funding_min_score=funding_min_score,
            )
        if returned:
            await deposit_returns.on_deposits_returned(session, returned)
        if broadcast:
            await payouts.on_payouts_broadcast(session, broadcast)
        if confirmed:
            await payouts.on_payouts_confirmed(session, confirmed)
        if requeued:
            await payouts.on_payouts_requeued(session, requeued)
        if failed:
            await payouts.on_payouts_failed(session, failed)
        if held:
            await payouts.on_payouts_held(session, held)
        if refunded:
            await refunds.on_refunds_completed(session, refunded)

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
