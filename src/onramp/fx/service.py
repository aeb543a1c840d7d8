"""Quotes (signed, firm until they expire) and pricing at funds time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp import kyc
from onramp.core.db import as_int, row_dict
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.fx.desk import FxDesk
from onramp.fx.errors import (
    QuoteAlreadyUsed,
    QuoteAmountAmbiguous,
    QuoteExpired,
    QuoteMismatch,
    QuoteNotFound,
    QuoteSignatureInvalid,
)
from onramp.fx.models import Quote
from onramp.fx.pricing import Pricing
from onramp.fx.signing import QuoteTerms, sign, verify
from onramp.identity import ensure_not_frozen

__all__ = ["FxDesk", "FundsPricing", "create_quote", "firm_quote", "price_at_funds"]

FIRM_QUOTE = "firm_quote"
MARKET_AT_FUNDS = "market_at_funds"


def pricing_of(quote: Quote) -> Pricing:
    return Pricing(
        source=Money(as_int(quote.source_amount), quote.source_currency),
        mid_rate=quote.mid_rate,
        rate=quote.rate,
        fee=Money(as_int(quote.fee_amount), quote.source_currency),
        target=Money(as_int(quote.target_amount), quote.target_currency),
        rates_day=quote.rates_day,
        spread_bps=quote.spread_bps or 0,
        tier=quote.tier,
        rates_source=quote.rates_source or "",
    )


def terms_of(quote: Quote) -> QuoteTerms:
    return QuoteTerms(
        id=quote.id,
        customer_id=quote.customer_id,
        tier=quote.tier,
        side=quote.side,
        source_currency=quote.source_currency,
        source_amount=as_int(quote.source_amount),
        target_currency=quote.target_currency,
        target_amount=as_int(quote.target_amount),
        fee_amount=as_int(quote.fee_amount),
        mid_rate=quote.mid_rate,
        rate=quote.rate,
        spread_bps=quote.spread_bps or 0,
        rates_day=quote.rates_day,
        created_at=quote.created_at,
        expires_at=quote.expires_at,
    )


async def create_quote(
    session: AsyncSession,
    *,
    desk: FxDesk,
    customer_id: uuid.UUID,
    source: Money | None,
    target_currency: str,
    now: datetime,
    target: Money | None = None,
    source_currency: str | None = None,
    ttl_seconds: int | None = None,
) -> Quote:
    """Quote ``source`` (the customer pays exactly this) or ``target`` in ``source_currency``
    (the customer gets at least this), at the customer's KYC tier's spread and fee; signed."""
    if (source is None) == (target is None):
        raise QuoteAmountAmbiguous()
    await ensure_not_frozen(session, customer_id)  # support's hold: no new price either
    await desk.refresh()
    tier = await kyc.tier_of(session, customer_id, now)
    if source is not None:
        pricing, side = desk.price(source, target_currency, tier=tier), "source"
    else:
        assert target is not None
        if source_currency is None or target.currency != target_currency:
            raise QuoteAmountAmbiguous("a target amount needs its source currency")
        pricing, side = desk.price_for_target(target, source_currency, tier=tier), "target"
    quote = Quote(
        id=uuid7(),
        customer_id=customer_id,
        source_currency=pricing.source.currency,
        source_amount=pricing.source.minor,
        target_currency=pricing.target.currency,
        target_amount=pricing.target.minor,
        fee_amount=pricing.fee.minor,
        mid_rate=pricing.mid_rate,
        rate=pricing.rate,
        rates_day=pricing.rates_day,
        created_at=now,
        expires_at=now + desk.quote_ttl_for(ttl_seconds),
        side=side,
        tier=tier,
        spread_bps=pricing.spread_bps,
        rates_source=pricing.rates_source or None,
    )
    quote.signature = sign(terms_of(quote), desk.signing_key)
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
    signing_key: bytes,
    signature: str | None = None,
) -> Quote:
    """The customer's unexpired, unused quote for exactly ``source``, its stored terms matching
    their signature (and ``signature``, when the client sends it back), marked used: the order is
    made against it in this transaction. The quote's row lock makes two orders on one quote
    queue, and the second finds it used (a unique index on ``orders.quote_id`` backs this)."""
    quote = await session.get(Quote, quote_id, with_for_update=True)
    if quote is None or quote.customer_id != customer_id:
        raise QuoteNotFound()
    if quote.used_at is not None:
        raise QuoteAlreadyUsed()
    terms = terms_of(quote)
    if quote.signature is None or not verify(terms, signing_key, quote.signature):
        raise QuoteSignatureInvalid("the quote's terms do not match its signature")
    if signature is not None and not verify(terms, signing_key, signature):
        raise QuoteSignatureInvalid("the signature sent is not this quote's")
    if quote.expires_at <= now:
        raise QuoteExpired()
    if quote.source_currency != source.currency or as_int(quote.source_amount) != source.minor:
        raise QuoteMismatch(
            f"the quote is for {quote.source_currency} "
            f"{Money(as_int(quote.source_amount), quote.source_currency)}"
        )
    quote.used_at = now
    return quote


@dataclass(frozen=True)
class FundsPricing:
    """How arrived funds were priced: the rule applied and, for people, why."""

    pricing: Pricing
    rule: str  # FIRM_QUOTE or MARKET_AT_FUNDS
    note: str

    @property
    def honoured(self) -> bool:
        return self.rule == FIRM_QUOTE


async def price_funds(
    session: AsyncSession,
    *,
    desk: FxDesk,
    quote_id: uuid.UUID | None,
    received: Money,
    funds_at: datetime,
    customer_id: uuid.UUID | None = None,
) -> FundsPricing:
    """Price received funds: the firm quote if they arrived in time and in full, otherwise the
    market at funds time (current rates, the tier and table of the quote; always, for an order
    the money itself placed, which has no quote: then at ``customer_id``'s tier of the day)."""
    quote = await session.get(Quote, quote_id) if quote_id is not None else None
    if quote is not None and funds_at <= quote.expires_at:
        firm = pricing_of(quote)
        if firm.source == received:
            return FundsPricing(firm, FIRM_QUOTE, "funds arrived in full before the quote expired")
    await desk.refresh()
    if quote is not None:
        tier: int | None = quote.tier
    elif customer_id is not None:
        tier = await kyc.tier_of(session, customer_id, funds_at)
    else:
        tier = None
    pricing = desk.price(received, quote.target_currency if quote else "USDC", tier=tier)
    return FundsPricing(pricing, MARKET_AT_FUNDS, _market_note(quote, received, funds_at))


def _market_note(quote: Quote | None, received: Money, funds_at: datetime) -> str:
    if quote is None:
        return "no quote (placed by the deposit): priced at the market when the funds arrived"
    quoted = Money(as_int(quote.source_amount), quote.source_currency)
    if funds_at > quote.expires_at:
        return (
            f"funds arrived {funds_at:%Y-%m-%d %H:%M} UTC, after the quote expired "
            f"{quote.expires_at:%Y-%m-%d %H:%M} UTC: priced at the market when they arrived"
        )
    return (
        f"received {received.currency} {received}, the quote was for {quoted.currency} "
        f"{quoted}: priced at the market when the funds arrived"
    )


async def price_at_funds(
    session: AsyncSession,
    *,
    desk: FxDesk,
    quote_id: uuid.UUID | None,
    received: Money,
    funds_at: datetime,
) -> tuple[Pricing, bool]:
    """:func:`price_funds` as (pricing, whether the quote was honoured)."""
    priced = await price_funds(
        session, desk=desk, quote_id=quote_id, received=received, funds_at=funds_at
    )
    return priced.pricing, priced.honoured


async def export_quotes(session: AsyncSession, *, customer_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(Quote).where(Quote.customer_id == customer_id).order_by(Quote.id)
    )
    return [row_dict(q) for q in rows]
