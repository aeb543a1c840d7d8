"""Pure pricing: reference rate, spread, fee, and the USDC the customer receives.

The fee is taken in the source currency and rounds UP; the customer's USDC rounds DOWN. USDC is
priced at par with its reference currency (USD).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from onramp.core.money import Money, Rounding
from onramp.fx.ecb import ReferenceRates
from onramp.fx.errors import AmountOutOfRange, UnsupportedCurrencyPair

RATE_QUANTUM = Decimal("1e-10")
TARGET_CURRENCY = "USDC"


@dataclass(frozen=True)
class PricingPolicy:
    reference_currency: str  # what USDC is pegged to
    spread_bps: int
    fee_bps: int
    min_fee: Decimal
    min_order_eur: Decimal
    max_order_eur: Decimal


@dataclass(frozen=True)
class Pricing:
    source: Money
    mid_rate: Decimal  # reference-currency units per source unit, before the spread
    rate: Decimal  # USDC per source unit offered to the customer
    fee: Money  # in the source currency
    target: Money  # USDC the customer receives
    rates_day: str


def eur_rate(rates: ReferenceRates, currency: str) -> Decimal:
    """Units of ``currency`` per 1 EUR."""
    if currency == "EUR":
        return Decimal(1)
    try:
        return rates.rates[currency]
    except KeyError:
        raise UnsupportedCurrencyPair(f"no reference rate for {currency}") from None


def price(
    source: Money, target_currency: str, *, rates: ReferenceRates, policy: PricingPolicy
) -> Pricing:
    if target_currency != TARGET_CURRENCY or source.currency == TARGET_CURRENCY:
        raise UnsupportedCurrencyPair(f"{source.currency} -> {target_currency} is not offered")
    per_eur = eur_rate(rates, source.currency)
    in_eur = source.to_decimal() / per_eur
    if not policy.min_order_eur <= in_eur <= policy.max_order_eur:
        raise AmountOutOfRange(
            f"orders must be between EUR {policy.min_order_eur} and EUR {policy.max_order_eur}"
            " or the equivalent"
        )
    mid = eur_rate(rates, policy.reference_currency) / per_eur
    rate = (mid * (Decimal(10_000 - policy.spread_bps) / Decimal(10_000))).quantize(
        RATE_QUANTUM, rounding=ROUND_DOWN
    )
    fee = source.fraction(policy.fee_bps, 10_000, rounding=Rounding.UP)
    min_fee = Money.of(policy.min_fee, source.currency)
    if fee < min_fee:
        fee = min_fee
    net = source - fee
    if not net.is_positive():
        raise AmountOutOfRange("the amount does not cover the fee")
    target = net.convert(rate, TARGET_CURRENCY, rounding=Rounding.DOWN)
    return Pricing(
        source=source,
        mid_rate=mid,
        rate=rate,
        fee=fee,
        target=target,
        rates_day=rates.day.isoformat(),
    )
