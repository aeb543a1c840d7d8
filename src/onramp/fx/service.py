"""Quotes and pricing at funds time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.db import as_int, row_dict
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.core.settings import FxSettings
from onramp.fx.adapters.rate_source import EcbFileRateSource, RateSource
from onramp.fx.errors import QuoteExpired, QuoteMismatch, QuoteNotFound
from onramp.fx.models import Quote
from onramp.fx.pricing import Pricing, PricingPolicy, eur_rate, price


@dataclass(frozen=True)
class FxDesk:
    """Everything pricing needs: where rates come from and the operator's policy."""

    rates: RateSource
    policy: PricingPolicy
    quote_ttl: timedelta

    @classmethod
    def from_settings(cls, settings: FxSettings) -> FxDesk:
        return cls(
            rates=EcbFileRateSource(settings.rates_file),
            policy=PricingPolicy(
                reference_currency=settings.usdc_reference_currency,
                spread_bps=settings.spread_bps,
                fee_bps=settings.fee_bps,
                min_fee=settings.min_fee,
                min_order_eur=settings.min_order,
                max_order_eur=settings.max_order,
            ),
            quote_ttl=timedelta(seconds=settings.quote_ttl_seconds),
        )

    def eur_equivalent(self, amount: Money) -> Decimal:
        """``amount`` in EUR at today's reference rate (for limits and thresholds)."""
        return amount.to_decimal() / eur_rate(self.rates.latest(), amount.currency)

    def equivalent_in(self, amount: Money, currency: str) -> Decimal:
        """``amount`` in ``currency`` at today's reference rates, crossed through EUR (for
        thresholds stated in another currency, e.g. the travel rule's USD)."""
        rates = self.rates.latest()
        return amount.to_decimal() / eur_rate(rates, amount.currency) * eur_rate(rates, currency)

    def usd_equivalent(self, amount: Money) -> tuple[Decimal, str]:
        """``amount`` in USD (USDC at par) at today's reference rates, to the cent, and the
        rates' day: the reference currency of monitoring thresholds and regulatory reports."""
        rates = self.rates.latest()
        currency = "USD" if amount.currency == "USDC" else amount.currency
        usd = amount.to_decimal() * eur_rate(rates, "USD") / eur_rate(rates, currency)
        return usd.quantize(Decimal("0.01")), rates.day.isoformat()

    def price(self, source: Money, target_currency: str) -> Pricing:
        return price(source, target_currency, rates=self.rates.latest(), policy=self.policy)


def pricing_of(quote: Quote) -> Pricing:
    return Pricing(
        source=Money(as_int(quote.source_amount), quote.source_currency),
        mid_rate=quote.mid_rate,
        rate=quote.rate,
        fee=Money(as_int(quote.fee_amount), quote.source_currency),
        target=Money(as_int(quote.target_amount), quote.target_currency),
        rates_day=quote.rates_day,
    )


async def create_quote(
    session: AsyncSession,
    *,
    desk: FxDesk,
    customer_id: uuid.UUID,
    source: Money,
    target_currency: str,
    now: datetime,
) -> Quote:
    pricing = desk.price(source, target_currency)
    quote = Quote(
        id=uuid7(),
        customer_id=customer_id,
        source_currency=source.currency,
        source_amount=source.minor,
        target_currency=pricing.target.currency,
        target_amount=pricing.target.minor,
        fee_amount=pricing.fee.minor,
        mid_rate=pricing.mid_rate,
        rate=pricing.rate,
        rates_day=pricing.rates_day,
        created_at=now,
        expires_at=now + desk.quote_ttl,
    )
    session.add(quote)
    await session.flush()
    return quote


async def firm_quote(
    session: AsyncSession,
    *,
    quote_id: uuid.UUID,
    customer_id: uuid.UUID,
    source: Money,
    now: datetime,
) -> Quote:
    """The customer's unexpired quote for exactly ``source``; the order is created against it."""
    quote = await session.get(Quote, quote_id)
    if quote is None or quote.customer_id != customer_id:
        raise QuoteNotFound()
    if quote.expires_at <= now:
        raise QuoteExpired()
    if quote.source_currency != source.currency or as_int(quote.source_amount) != source.minor:
        raise QuoteMismatch(
            f"the quote is for {quote.source_currency} "
            f"{Money(as_int(quote.source_amount), quote.source_currency)}"
        )
    return quote


async def price_at_funds(
    session: AsyncSession,
    *,
    desk: FxDesk,
    quote_id: uuid.UUID | None,
    received: Money,
    funds_at: datetime,
) -> tuple[Pricing, bool]:
    """Price received funds: the firm quote if they arrived in time and in full, otherwise the
    current rate (always, for an order placed without a quote). Returns the pricing and
    whether the quote was honoured."""
    quote = await session.get(Quote, quote_id) if quote_id is not None else None
    if quote is not None and funds_at <= quote.expires_at:
        firm = pricing_of(quote)
        if firm.source == received:
            return firm, True
    return desk.price(received, quote.target_currency if quote else "USDC"), False


async def export_quotes(session: AsyncSession, *, customer_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(Quote).where(Quote.customer_id == customer_id).order_by(Quote.id)
    )
    return [row_dict(q) for q in rows]
