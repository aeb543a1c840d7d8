"""Pricing an order's funds and posting the conversion (the saga and a compliance release take
the same path), and the conversion's reversal when the money goes back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import chain, fx
from onramp.core.db import as_int
from onramp.core.money import Money
from onramp.ledger import (
    EntryDraft,
    Leg,
    credit,
    customer_account,
    debit,
    entry,
    fees_account,
    fx_account,
    rounding_account,
    spread_account,
)
from onramp.orders.models import Order
from onramp.orders.saga import SagaStep
from onramp.orders.states import OrderState


async def price_and_queue(
    session: AsyncSession,
    step: SagaStep,
    order: Order,
    received: Money,
    funds_at: datetime,
    *,
    desk: fx.FxDesk,
    screening: str,
    released: bool = False,
) -> None:
    """Screened funds go on: priced at funds time (the firm quote when in time and in full),
    posted, and queued for payout. The saga and a compliance release (``released``: the
    pre-sign check does not hold the payout again) both take this path."""
    priced = await fx.price_funds(
        session,
        desk=desk,
        quote_id=order.quote_id,
        received=received,
        funds_at=funds_at,
        customer_id=order.customer_id,
    )
    _price(
        step,
        order,
        priced.pricing,
        priced.honoured,
        screening=screening,
        rule=priced.rule,
        note=priced.note,
    )
    step.move(order, OrderState.PAYOUT_QUEUED)
    step.payouts.append(
        chain.PayoutRequest(
            order.id,
            order.destination_address,
            priced.pricing.target,
            released,
            customer_id=order.customer_id,
        )
    )


def _price(
    step: SagaStep,
    order: Order,
    pricing: fx.Pricing,
    honoured: bool,
    *,
    screening: str,
    rule: str | None = None,
    note: str | None = None,
) -> None:
    """Post the conversion, balanced per currency: the customer's fiat goes to the fee, the
    spread and rounding revenue and the FX position (``fx.Pricing.split``); the FX position pays
    the customer's USDC."""
    split = pricing.split()
    order.target_amount = pricing.target.minor
    order.fee_amount = pricing.fee.minor
    order.rate = pricing.rate
    order.mid_rate = pricing.mid_rate
    order.spread_amount = split.spread.minor
    order.rounding_amount = split.rounding.minor
    order.quote_honoured = honoured
    order.pricing_rule = rule or (fx.FIRM_QUOTE if honoured else fx.MARKET_AT_FUNDS)
    order.pricing_note = (note or "")[:300] or None
    step.entries.append(entry("conversion", str(order.id), *_conversion_legs(order, pricing)))
    step.move(
        order,
        OrderState.PRICED,
        reason="firm quote" if honoured else "priced at funds time",
        screening=screening,
        pricing_rule=order.pricing_rule,
        rate=str(pricing.rate),
        fee=str(pricing.fee),
        target_amount=str(pricing.target),
    )


def _conversion_legs(order: Order, pricing: fx.Pricing) -> list[Leg]:
    src, target, split = pricing.source, pricing.target, pricing.split()
    legs = [debit(customer_account(order.customer_id, src.currency), src)]
    for account, amount in (
        (fees_account(src.currency), pricing.fee),
        (spread_account(src.currency), split.spread),
        (rounding_account(src.currency), split.rounding),
        (fx_account(src.currency), split.position),
    ):
        if amount.is_positive():
            legs.append(credit(account, amount))
    legs += [
        debit(fx_account(target.currency), target),
        credit(customer_account(order.customer_id, target.currency), target),
    ]
    return legs


def unprice(order: Order) -> EntryDraft:
    """The reversal of the order's conversion entry (``_price``): USDC back to the FX position,
    the fiat (fee, spread and rounding included) back to the customer. Orders priced before the
    spread and rounding were split out have neither: their whole net went to the FX position."""
    assert order.target_amount is not None
    assert order.fee_amount is not None
    currency = order.source_currency
    src = Money(as_int(order.source_amount), currency)
    fee = Money(as_int(order.fee_amount), currency)
    spread = Money(as_int(order.spread_amount or 0), currency)
    rounding = Money(as_int(order.rounding_amount or 0), currency)
    target = Money(as_int(order.target_amount), order.target_currency)
    legs = [
        debit(customer_account(order.customer_id, target.currency), target),
        credit(fx_account(target.currency), target),
        debit(fx_account(currency), src - fee - spread - rounding),
    ]
    for account, amount in (
        (fees_account(currency), fee),
        (spread_account(currency), spread),
        (rounding_account(currency), rounding),
    ):
        if amount.is_positive():
            legs.append(debit(account, amount))
    legs.append(credit(customer_account(order.customer_id, currency), src))
    return entry("conversion_reversal", str(order.id), *legs)
