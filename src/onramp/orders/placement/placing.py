"""Placing an order against a quote: the checks before anything is written (the firm quote, the
customer's limits, the destination, the travel rule), the order and its expected deposit, and
the deposit instructions the customer pays by."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking, fx
from onramp.core.db import as_int
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.core.settings import BankingSettings, KycSettings
from onramp.identity import ensure_not_frozen
from onramp.orders.models import Order
from onramp.orders.saga import SagaStep
from onramp.orders.states import OrderState
from onramp.orders.tier_limits import limits
from onramp.orders.travel import policy as travel_rule
from onramp.wallets import payout_destination


@dataclass(frozen=True)
class DepositInstructions:
    account: banking.TreasuryAccount
    reference: str
    amount: Money


@dataclass(frozen=True)
class _Asked:
    """What the checks before an order is written are given: the customer's ask (the quote and
    its signature, what they pay and its EUR worth, where to, when) and what it is checked
    against (the quote's signing key, the KYC tier settings, the wallet factory)."""

    customer_id: uuid.UUID
    quote_id: uuid.UUID
    quote_signature: str | None
    source: Money
    amount_eur: Decimal
    destination_address: str | None
    now: datetime
    signing_key: bytes
    kyc_settings: KycSettings
    wallet_factory: str


@dataclass(frozen=True)
class _Terms:
    """What the checks before an order is written settle: its firm quote's terms and where it
    pays."""

    quote_id: uuid.UUID
    target_currency: str
    quoted_target_amount: int
    quoted_rate: Decimal
    destination: str


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
    await ensure_not_frozen(session, customer_id)  # support's hold: before anything is read
    asked = _Asked(
        customer_id=customer_id,
        quote_id=quote_id,
        quote_signature=quote_signature,
        source=source,
        amount_eur=amount_eur,
        destination_address=destination_address,
        now=now,
        signing_key=signing_key or travel_rule_policy.desk.signing_key,
        kyc_settings=kyc_settings,
        wallet_factory=wallet_factory,
    )
    terms = await _checked_terms(session, asked)
    order_id = uuid7()
    # Before anything is written: an order the travel rule refuses leaves no trace.
    await travel_rule.record_at_order(
        session,
        policy=travel_rule_policy,
        order_id=order_id,
        customer_id=customer_id,
        source=source,
        destination=terms.destination,
        now=now,
    )
    order = _new_order(order_id, customer_id, terms, source=source, amount_eur=amount_eur, now=now)
    session.add(order)
    await banking.expect_deposit(
        session,
        order_id=order_id,
        customer_id=customer_id,
        creditor_reference=order.creditor_reference,
        amount=source,
    )
    step = SagaStep(actor=f"user:{customer_id}")
    step.created(order, reason="order created", audit={"quote_id": str(terms.quote_id)})
    await step.write(session)
    return order


async def _checked_terms(session: AsyncSession, asked: _Asked) -> _Terms:
    """The firm quote, the customer's limits and the payout destination, checked in this order
    (each raises what it refuses)."""
    quote = await fx.firm_quote(
        session,
        quote_id=asked.quote_id,
        customer_id=asked.customer_id,
        source=asked.source,
        now=asked.now,
        signing_key=asked.signing_key,
        signature=asked.quote_signature,
    )
    await limits.check_new_order(
        session,
        asked.customer_id,
        amount_eur=asked.amount_eur,
        now=asked.now,
        settings=asked.kyc_settings,
    )
    destination = await payout_destination(
        session,
        customer_id=asked.customer_id,
        requested=asked.destination_address,
        wallet_factory=asked.wallet_factory,
    )
    return _Terms(
        quote_id=quote.id,
        target_currency=quote.target_currency,
        quoted_target_amount=as_int(quote.target_amount),
        quoted_rate=quote.rate,
        destination=destination,
    )


def _new_order(
    order_id: uuid.UUID,
    customer_id: uuid.UUID,
    terms: _Terms,
    *,
    source: Money,
    amount_eur: Decimal,
    now: datetime,
) -> Order:
    return Order(
        id=order_id,
        customer_id=customer_id,
        quote_id=terms.quote_id,
        state=OrderState.AWAITING_FUNDS.value,
        source_currency=source.currency,
        source_amount=source.minor,
        target_currency=terms.target_currency,
        quoted_target_amount=terms.quoted_target_amount,
        quoted_rate=terms.quoted_rate,
        destination_address=terms.destination,
        creditor_reference=banking.creditor_reference_for_order(order_id),
        limit_eur=amount_eur.quantize(Decimal("0.01")),
        created_at=now,
        updated_at=now,
    )


def instructions_for(order: Order, *, settings: BankingSettings) -> DepositInstructions:
    source = Money(as_int(order.source_amount), order.source_currency)
    return DepositInstructions(
        account=banking.treasury_account(settings, source.currency),
        reference=banking.format_creditor_reference(order.creditor_reference),
        amount=source,
    )
