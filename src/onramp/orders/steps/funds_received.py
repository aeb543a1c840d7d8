"""The saga's step when an order's deposit matched: the funds are received, checked against the
customer's limits, screened together with whose money they are, then priced and queued for
payout, held for a person, or rejected for a refund."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking, fx
from onramp.compliance import AlertDraft
from onramp.core.clock import utcnow
from onramp.core.errors import InvalidInput
from onramp.core.money import Money
from onramp.core.settings import KycSettings
from onramp.orders.models import Order
from onramp.orders.saga import SagaStep, lock_orders
from onramp.orders.screens.funding_source import check_funding_source
from onramp.orders.screens.screening import (
    Screener,
    ScreeningResult,
    ScreeningSubject,
    Verdict,
    combine_results,
)
from onramp.orders.states import OrderState
from onramp.orders.steps.conversion import price_and_queue
from onramp.orders.steps.refunds import reject_for_refund
from onramp.orders.tier_limits import limits


async def on_deposits_matched(
    session: AsyncSession,
    matched: Sequence[tuple[uuid.UUID, uuid.UUID, Money, datetime]],
    *,
    desk: fx.FxDesk,
    screener: Screener,
    kyc_settings: KycSettings,
    funding_min_score: float = banking.DEFAULT_HOLDER_NAME_MIN_SCORE,
) -> None:
    """Funds arrived for these (order id, deposit id, amount, booked at): check the customer's
    limits and whose money it is, screen, price, pay."""
    orders = await lock_orders(session, [m[0] for m in matched])
    # Read after the orders' locks: a return settled before them shows here (the deposit is no
    # longer held, nothing is priced on it); one settling after them finds the order moved on.
    held = await banking.held_deposits(session, deposit_ids=[m[1] for m in matched])
    senders = await banking.sender_names(session, deposit_ids=[m[1] for m in matched])
    step = SagaStep(actor="system:orders")
    now = utcnow()
    # Customers' limit locks in one order, so two batches never wait on each other in a cycle.
    for order_id, deposit_id, amount, booked_at in sorted(
        matched, key=lambda m: (str(orders[m[0]].customer_id) if m[0] in orders else "", m[0])
    ):
        order = orders.get(order_id)
        if order is None or order.state != OrderState.AWAITING_FUNDS.value:
            continue  # a replay after the order moved on
        if deposit_id not in held:
            continue  # the bank took it back first: the order still waits for its money
        order.deposit_id = deposit_id
        step.move(order, OrderState.FUNDS_RECEIVED, deposit_id=str(deposit_id))
        step.move(order, OrderState.SCREENING)
        result = await _check_funds(
            session,
            order,
            deposit_id,
            amount,
            desk=desk,
            screener=screener,
            kyc_settings=kyc_settings,
            sender_name=senders.get(deposit_id),
            min_score=funding_min_score,
            now=now,
        )
        step.alerts.extend(result.alerts)
        step.screens.extend(result.screens)
        if result.verdict is Verdict.HOLD:
            step.move(order, OrderState.MANUAL_REVIEW, reason=result.reason)
            continue
        if result.verdict is Verdict.REJECT:
            reject_for_refund(step, order, reason=result.reason)
            continue
        try:
            await price_and_queue(
                session, step, order, amount, booked_at, desk=desk, screening=result.reason
            )
        except InvalidInput as exc:
            # Money the pricing refuses for good (below the minimum order, a currency no longer
            # offered): a person decides. A missing or stale rate is not this: it propagates,
            # and the batch is retried once rates are back.
            _hold_unpriced(step, order, deposit_id, amount, exc)
    await step.write(session)


async def _check_funds(
    session: AsyncSession,
    order: Order,
    deposit_id: uuid.UUID,
    amount: Money,
    *,
    desk: fx.FxDesk,
    screener: Screener,
    kyc_settings: KycSettings,
    sender_name: str | None,
    min_score: float,
    now: datetime,
) -> ScreeningResult:
    """The customer's limits, the screen, and whose money it is, as one verdict."""
    within_limits = await limits.check_funding(
        session,
        order,
        received_eur=desk.eur_equivalent(amount),
        now=now,
        settings=kyc_settings,
    )
    screened = await screener.screen(
        ScreeningSubject(
            order.id,
            order.customer_id,
            amount,
            order.destination_address,
            sender_name=sender_name,
            deposit_id=deposit_id,
        )
    )
    funding = await check_funding_source(
        session,
        order=order,
        deposit_id=deposit_id,
        sender_name=sender_name,
        min_score=min_score,
        now=now,
    )
    return combine_results(within_limits, funding, screened)


def _hold_unpriced(
    step: SagaStep, order: Order, deposit_id: uuid.UUID, amount: Money, exc: InvalidInput
) -> None:
    step.move(order, OrderState.MANUAL_REVIEW, reason=f"pricing: {exc.code}")
    step.alerts.append(
        AlertDraft(
            customer_id=order.customer_id,
            source="orders",
            kind=exc.code,
            severity="medium",
            reason=f"the funds could not be priced: {exc.detail or exc.title}",
            subject_type="order",
            subject_id=str(order.id),
            dedupe_key=f"orders:pricing:{order.id}",
            hold=True,
            order_id=order.id,
            evidence={"deposit_id": str(deposit_id), "amount": str(amount)},
        )
    )
