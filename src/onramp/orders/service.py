"""The order saga: each step moves orders through the state machine, and every transition writes
the new state, its ledger postings, a history row, an audit record and an outbox event in the
caller's single transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking, fx
from onramp.compliance.cases import AlertDraft
from onramp.core.audit import audit_row
from onramp.core.clock import utcnow
from onramp.core.db import as_int
from onramp.core.errors import InvalidInput
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.core.outbox import make_event
from onramp.core.settings import BankingSettings, KycSettings
from onramp.orders import destinations, events, limits, travel_rule
from onramp.orders.conversion import price_and_queue
from onramp.orders.funding_source import check_funding_source
from onramp.orders.models import Order
from onramp.orders.refunds import reject_for_refund
from onramp.orders.saga import SagaStep, lock_orders
from onramp.orders.screening import Screener, ScreeningSubject, Verdict, combine_results
from onramp.orders.states import OrderState


@dataclass(frozen=True)
class DepositInstructions:
    account: banking.TreasuryAccount
    reference: str
    amount: Money


async def create_order(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    quote_id: uuid.UUID,
    source: Money,
    destination_address: str | None,
    wallet_factory: str,
    amount_eur: Decimal,
    kyc_settings: KycSettings,
    now: datetime,
    travel_rule_policy: travel_rule.TravelRulePolicy,
    quote_signature: str | None = None,
    signing_key: bytes | None = None,
) -> Order:
    """Place an order: against a signed, unexpired quote (the key: ``signing_key``, by default
    the travel rule policy's FX desk's), within the customer's KYC tier limits
    (``limits.check_new_order`` holds the customer's lock until this transaction ends, so the
    order's insert is part of the check)."""
    quote = await fx.firm_quote(
        session,
        quote_id=quote_id,
        customer_id=customer_id,
        source=source,
        now=now,
        signing_key=signing_key or travel_rule_policy.desk.signing_key,
        signature=quote_signature,
    )
    await limits.check_new_order(
        session, customer_id, amount_eur=amount_eur, now=now, settings=kyc_settings
    )
    destination = await destinations.payout_destination(
        session,
        customer_id=customer_id,
        requested=destination_address,
        wallet_factory=wallet_factory,
    )
    order_id = uuid7()
    # Before anything is written: an order the travel rule refuses leaves no trace.
    await travel_rule.record_at_order(
        session,
        policy=travel_rule_policy,
        order_id=order_id,
        customer_id=customer_id,
        source=source,
        destination=destination,
        now=now,
    )
    reference = banking.creditor_reference_for_order(order_id)
    order = Order(
        id=order_id,
        customer_id=customer_id,
        quote_id=quote.id,
        state=OrderState.AWAITING_FUNDS.value,
        source_currency=source.currency,
        source_amount=source.minor,
        target_currency=quote.target_currency,
        quoted_target_amount=as_int(quote.target_amount),
        quoted_rate=quote.rate,
        destination_address=destination,
        creditor_reference=reference,
        limit_eur=amount_eur.quantize(Decimal("0.01")),
        created_at=now,
        updated_at=now,
    )
    session.add(order)
    await banking.expect_deposit(
        session,
        order_id=order_id,
        customer_id=customer_id,
        creditor_reference=reference,
        amount=source,
    )
    step = SagaStep(actor=f"user:{customer_id}")
    step.history.append(
        {
            "order_id": order_id,
            "from_state": None,
            "to_state": OrderState.AWAITING_FUNDS.value,
            "reason": "order created",
        }
    )
    step.audits.append(
        audit_row(
            actor=step.actor,
            action="order.created",
            entity_type="order",
            entity_id=str(order_id),
            data={"quote_id": str(quote.id)},
        )
    )
    step.events.append(
        make_event(
            events.ORDER_CREATED,
            {
                "order_id": str(order_id),
                "customer_id": str(customer_id),
                "state": OrderState.AWAITING_FUNDS.value,
            },
            source=events.SOURCE,
            entity_id=str(order_id),
            correlation_id=str(order_id),
        )
    )
    await step.write(session)
    return order


def instructions_for(order: Order, *, settings: BankingSettings) -> DepositInstructions:
    source = Money(as_int(order.source_amount), order.source_currency)
    return DepositInstructions(
        account=banking.treasury_account(settings, source.currency),
        reference=banking.format_creditor_reference(order.creditor_reference),
        amount=source,
    )


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
                sender_name=senders.get(deposit_id),
                deposit_id=deposit_id,
            )
        )
        funding = await check_funding_source(
            session,
            order=order,
            deposit_id=deposit_id,
            sender_name=senders.get(deposit_id),
            min_score=funding_min_score,
            now=now,
        )
        result = combine_results(within_limits, funding, screened)
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
    await step.write(session)
