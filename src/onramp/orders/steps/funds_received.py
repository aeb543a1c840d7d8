"""The saga's step when an order's deposit matched: the funds are received, checked against the
customer's limits, screened together with whose money they are, then priced and queued for
payout, held for a person, or rejected for a refund."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking, fx, kyc
from onramp.compliance import AlertDraft
from onramp.core.clock import utcnow
from onramp.core.errors import InvalidInput
from onramp.core.money import Money
from onramp.core.settings import KycSettings
from onramp.orders.models import Order
from onramp.orders.saga import SagaStep, lock_orders
from onramp.orders.screens.funding_source import FundedBy, check_funding_sources
from onramp.orders.screens.screening import (
    Screener,
    ScreeningResult,
    ScreeningSubject,
    Verdict,
    combine_results,
    screen_all,
)
from onramp.orders.states import OrderState
from onramp.orders.steps.conversion import price_and_queue
from onramp.orders.steps.refunds import reject_for_refund
from onramp.orders.tier_limits import limits

Matched = tuple[uuid.UUID, uuid.UUID, Money, datetime]  # order, deposit, amount, booked at


async def on_deposits_matched(
    session: AsyncSession,
    matched: Sequence[Matched],
    *,
    desk: fx.FxDesk,
    screener: Screener,
    kyc_settings: KycSettings,
    funding_min_score: float = banking.DEFAULT_HOLDER_NAME_MIN_SCORE,
) -> None:
    """Funds arrived for these (order id, deposit id, amount, booked at): check the customer's
    limits and whose money it is, screen, price, pay.

    Set-based: every check reads what it needs for the whole batch at once (``_check_batch``),
    then the orders move one by one in memory, in a fixed order (customer, order id). No check
    depends on an earlier order's move (the moves are written at the end), so each order gets
    the verdict it would get alone."""
    orders = await lock_orders(session, [m[0] for m in matched])
    # Read after the orders' locks: a return settled before them shows here (the deposit is no
    # longer held, nothing is priced on it); one settling after them finds the order moved on.
    held = await banking.held_deposits(session, deposit_ids=[m[1] for m in matched])
    senders = await banking.sender_names(session, deposit_ids=[m[1] for m in matched])
    step = SagaStep(actor="system:orders")
    now = utcnow()
    ordered = sorted(
        matched, key=lambda m: (str(orders[m[0]].customer_id) if m[0] in orders else "", m[0])
    )
    funded = _funded(ordered, orders, held)
    within, screened = await _check_batch(
        session,
        orders,
        funded,
        screener=screener,
        kyc_settings=kyc_settings,
        senders=senders,
        min_score=funding_min_score,
        now=now,
    )
    for order_id, deposit_id, amount, booked_at in funded:
        order = orders[order_id]
        order.deposit_id = deposit_id
        step.move(order, OrderState.FUNDS_RECEIVED, deposit_id=str(deposit_id))
        step.move(order, OrderState.SCREENING)
        # The limits last, at the desk's rates of this moment, as when checked order by order.
        source, screen = screened[order_id, deposit_id]
        result = combine_results(
            within.check(order, received_eur=desk.eur_equivalent(amount)), source, screen
        )
        await _act_on(session, step, order, (deposit_id, amount, booked_at), result, desk=desk)
    await step.write(session)


async def _act_on(
    session: AsyncSession,
    step: SagaStep,
    order: Order,
    funds: tuple[uuid.UUID, Money, datetime],
    result: ScreeningResult,
    *,
    desk: fx.FxDesk,
) -> None:
    """The verdict's move: held for a person, rejected for a refund, or priced and queued."""
    deposit_id, amount, booked_at = funds
    step.alerts.extend(result.alerts)
    step.screens.extend(result.screens)
    if result.verdict is Verdict.HOLD:
        step.move(order, OrderState.MANUAL_REVIEW, reason=result.reason)
        return
    if result.verdict is Verdict.REJECT:
        reject_for_refund(step, order, reason=result.reason)
        return
    try:
        await price_and_queue(
            session, step, order, amount, booked_at, desk=desk, screening=result.reason
        )
    except InvalidInput as exc:
        # Money the pricing refuses for good (below the minimum order, a currency no longer
        # offered): a person decides. A missing or stale rate is not this: it propagates,
        # and the batch is retried once rates are back.
        _hold_unpriced(step, order, deposit_id, amount, exc)


def _funded(
    ordered: Sequence[Matched], orders: dict[uuid.UUID, Order], held: Collection[uuid.UUID]
) -> list[Matched]:
    """The matches to act on, in order: per order, the first whose order awaits its funds and
    whose deposit the bank still holds. A replay after the order moved on does nothing; a
    deposit the bank took back first leaves the order waiting for its money."""
    first: dict[uuid.UUID, Matched] = {}
    for m in ordered:
        order = orders.get(m[0])
        if order is None or order.state != OrderState.AWAITING_FUNDS.value or m[1] not in held:
            continue
        first.setdefault(m[0], m)
    return list(first.values())


async def _check_batch(
    session: AsyncSession,
    orders: dict[uuid.UUID, Order],
    funded: Sequence[Matched],
    *,
    screener: Screener,
    kyc_settings: KycSettings,
    senders: dict[uuid.UUID, str],
    min_score: float,
    now: datetime,
) -> tuple[
    limits.FundingLimits, dict[tuple[uuid.UUID, uuid.UUID], tuple[ScreeningResult, ScreeningResult]]
]:
    """The customers' limits (locked and read), and per (order, deposit) whose money it is and
    the screens' verdict: each check one read for the batch."""
    customers = {orders[m[0]].customer_id for m in funded}
    cases = await kyc.approved_cases(session, customer_ids=customers, since=now)
    within = await limits.funding_limits(
        session,
        customers,
        batch=list(orders.values()),
        cases=cases,
        now=now,
        settings=kyc_settings,
    )
    if not funded:
        return within, {}
    screened = await screen_all(
        screener,
        [
            ScreeningSubject(
                order.id,
                order.customer_id,
                amount,
                order.destination_address,
                sender_name=senders.get(deposit_id),
                deposit_id=deposit_id,
            )
            for order, deposit_id, amount in ((orders[m[0]], m[1], m[2]) for m in funded)
        ],
    )
    sources = await check_funding_sources(
        session,
        [FundedBy(orders[m[0]], m[1], senders.get(m[1])) for m in funded],
        cases=cases,
        min_score=min_score,
        now=now,
    )
    return within, {
        (m[0], m[1]): (source, screen)
        for m, screen, source in zip(funded, screened, sources, strict=True)
    }


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
