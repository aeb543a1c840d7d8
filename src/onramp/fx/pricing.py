"""Pure pricing: reference (mid) rate, spread, fee, and the USDC the customer receives.

Rounding rules (docs/pricing.md), each chosen so that rounding never pays out value the rates did
not produce and the ledger always balances:

* the mid rate is kept to 12 decimals (half-even); the customer rate is the mid less the spread,
  cut DOWN to 10 decimals;
* the fee is taken in the source currency and rounds UP: the percentage part and the fixed part
  each round up to a whole minor unit; the minimum (stated in EUR, converted at the reference
  rate) rounds UP, the maximum rounds DOWN, and the minimum wins if the two cross;
* the customer's USDC rounds DOWN;
* what the conversion keeps besides the fee is split in the source currency into the FX position
  (the delivered USDC valued at the mid, rounded UP), the spread revenue (the delivered USDC at
  the customer rate less at the mid, whole minor units, DOWN) and the rounding residual (the
  rest, never negative, at most one minor unit), so the entry balances to the minor unit;
* a quote for a target amount asks for the least source amount whose USDC is at least the
  target: the customer never gets less than they asked for.

USDC is priced at par with its reference currency (USD); the peg is watched separately
(``fx.peg``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from types import MappingProxyType

from onramp.core.money import Money, Rounding
from onramp.fx.ecb import ReferenceRates
from onramp.fx.errors import (
    AmountOutOfRange,
    FxRateStale,
    FxRateUnavailable,
    UnsupportedCurrencyPair,
)

RATE_QUANTUM = Decimal("1e-10")
MID_QUANTUM = Decimal("1e-12")
TARGET_CURRENCY = "USDC"
_BPS = 10_000


@dataclass(frozen=True)
class FeeSchedule:
    """One row of the pricing table: the spread and the fee of a KYC tier. Fixed, minimum and
    maximum fees are stated in EUR and charged in the source currency's equivalent."""

    spread_bps: int
    fee_bps: int
    fee_min_eur: Decimal = Decimal(0)
    fee_fixed_eur: Decimal = Decimal(0)
    fee_max_eur: Decimal | None = None


_NO_TIERS: Mapping[int, FeeSchedule] = MappingProxyType({})
_NO_EXTRA: Mapping[str, int] = MappingProxyType({})


@dataclass(frozen=True)
class PricingPolicy:
    reference_currency: str  # what USDC is pegged to
    default: FeeSchedule
    min_order_eur: Decimal
    max_order_eur: Decimal
    tiers: Mapping[int, FeeSchedule] = field(default_factory=lambda: _NO_TIERS)
    # Added to the tier's spread for the source currency (thin or costly markets).
    currency_spread_bps: Mapping[str, int] = field(default_factory=lambda: _NO_EXTRA)
    # The source currencies customers may pay in; None: any currency the rates have.
    offered: frozenset[str] | None = None

    def schedule(self, tier: int | None) -> FeeSchedule:
        return self.tiers.get(tier, self.default) if tier is not None else self.default

    def spread_bps(self, currency: str, tier: int | None) -> int:
        return self.schedule(tier).spread_bps + self.currency_spread_bps.get(currency, 0)


@dataclass(frozen=True)
class ConversionSplit:
    """What the conversion keeps of the net source amount, in the source currency: each part is
    non-negative and ``position + spread + rounding`` equals the net amount."""

    position: Money  # the delivered USDC valued at the mid rate: the FX desk's side
    spread: Money  # revenue: the delivered USDC at the customer rate less at the mid
    rounding: Money  # what rounding the USDC down left over (under one minor unit)


@dataclass(frozen=True)
class Pricing:
    source: Money
    mid_rate: Decimal  # reference-currency units per source unit, before the spread
    rate: Decimal  # USDC per source unit offered to the customer
    fee: Money  # in the source currency
    target: Money  # USDC the customer receives
    rates_day: str
    spread_bps: int = 0
    tier: int | None = None
    rates_source: str = ""

    @property
    def net(self) -> Money:
        return self.source - self.fee

    def split(self) -> ConversionSplit:
        return conversion_split(self.net, self.target, rate=self.rate, mid=self.mid_rate)


def conversion_split(net: Money, target: Money, *, rate: Decimal, mid: Decimal) -> ConversionSplit:
    scale_src = 10**net.exponent
    scale_tgt = 10**target.exponent
    # source minor units per target minor unit at a rate r: scale_src / (r * scale_tgt)
    at_mid = Fraction(target.minor * scale_src) / (Fraction(mid) * scale_tgt)
    at_rate = Fraction(target.minor * scale_src) / (Fraction(rate) * scale_tgt)
    position = -((-at_mid.numerator) // at_mid.denominator)  # ceiling
    at_rate_floor = at_rate.numerator // at_rate.denominator
    spread = max(0, at_rate_floor - position)
    rounding = net.minor - position - spread
    if rounding < 0:  # cannot happen when target <= net * rate and rate <= mid
        raise AssertionError(f"conversion split went negative: {net} -> {target}")
    return ConversionSplit(
        Money(position, net.currency), Money(spread, net.currency), Money(rounding, net.currency)
    )


def eur_rate(rates: ReferenceRates, currency: str) -> Decimal:
    """Units of ``currency`` per 1 EUR; a missing rate is refused, never guessed."""
    if currency == "EUR":
        return Decimal(1)
    found = rates.rates.get(currency)
    if found is not None:
        return found
    if currency in rates.stale:
        raise FxRateStale(f"{currency}: {rates.stale[currency]}", currency=currency)
    raise FxRateUnavailable(f"no source has a rate for {currency}", currency=currency)


def mid_rate(rates: ReferenceRates, source_currency: str, reference_currency: str) -> Decimal:
    """Reference-currency units per source unit, crossed through EUR, to 12 decimals."""
    mid = eur_rate(rates, reference_currency) / eur_rate(rates, source_currency)
    return mid.quantize(MID_QUANTUM, rounding=ROUND_HALF_EVEN)


def _eur_to(amount: Decimal, per_eur: Decimal, currency: str, rounding: Rounding) -> Money:
    """An EUR amount in ``currency`` at the reference rate, exactly, then rounded once."""
    exact = Fraction(amount) * Fraction(per_eur) * 10 ** Money.zero(currency).exponent
    floor = exact.numerator // exact.denominator
    return Money(floor + 1 if rounding is Rounding.UP and floor != exact else floor, currency)


def fee_for(source: Money, schedule: FeeSchedule, per_eur: Decimal) -> Money:
    """The fee on ``source``: percentage (UP) plus fixed (UP), within the minimum (UP) and the
    maximum (DOWN); the minimum wins if the two cross."""
    currency = source.currency
    fee = source.fraction(schedule.fee_bps, _BPS, rounding=Rounding.UP)
    fee += _eur_to(schedule.fee_fixed_eur, per_eur, currency, Rounding.UP)
    if schedule.fee_max_eur is not None:
        cap = _eur_to(schedule.fee_max_eur, per_eur, currency, Rounding.DOWN)
        fee = min(fee, cap, key=lambda m: m.minor)
    floor = _eur_to(schedule.fee_min_eur, per_eur, currency, Rounding.UP)
    return max(fee, floor, key=lambda m: m.minor)


@dataclass(frozen=True)
class _Terms:
    mid: Decimal
    rate: Decimal
    spread_bps: int
    schedule: FeeSchedule
    per_eur: Decimal


def _terms(
    source_currency: str,
    target_currency: str,
    rates: ReferenceRates,
    policy: PricingPolicy,
    tier: int | None,
) -> _Terms:
    if target_currency != TARGET_CURRENCY or source_currency == TARGET_CURRENCY:
        raise UnsupportedCurrencyPair(f"{source_currency} -> {target_currency} is not offered")
    if policy.offered is not None and source_currency not in policy.offered:
        raise UnsupportedCurrencyPair(f"{source_currency} is not an offered currency")
    per_eur = eur_rate(rates, source_currency)
    mid = mid_rate(rates, source_currency, policy.reference_currency)
    spread_bps = policy.spread_bps(source_currency, tier)
    rate = (mid * Decimal(_BPS - spread_bps) / Decimal(_BPS)).quantize(
        RATE_QUANTUM, rounding=ROUND_DOWN
    )
    if rate <= 0:
        raise UnsupportedCurrencyPair(f"the spread leaves no rate for {source_currency}")
    return _Terms(mid, rate, spread_bps, policy.schedule(tier), per_eur)


def _delivered(source: Money, terms: _Terms) -> tuple[Money, Money]:
    """(fee, USDC delivered) for ``source``; the USDC is zero when the fee takes it all."""
    fee = fee_for(source, terms.schedule, terms.per_eur)
    net = source - fee
    if not net.is_positive():
        return fee, Money.zero(TARGET_CURRENCY)
    return fee, net.convert(terms.rate, TARGET_CURRENCY, rounding=Rounding.DOWN)


def _priced(
    source: Money, terms: _Terms, rates: ReferenceRates, policy: PricingPolicy, tier: int | None
) -> Pricing:
    in_eur = source.to_decimal() / terms.per_eur
    if not policy.min_order_eur <= in_eur <= policy.max_order_eur:
        raise AmountOutOfRange(
            f"orders must be between EUR {policy.min_order_eur} and EUR {policy.max_order_eur}"
            " or the equivalent"
        )
    fee, target = _delivered(source, terms)
    if not target.is_positive():
        raise AmountOutOfRange("the amount does not cover the fee")
    return Pricing(
        source=source,
        mid_rate=terms.mid,
        rate=terms.rate,
        fee=fee,
        target=target,
        rates_day=rates.day.isoformat(),
        spread_bps=terms.spread_bps,
        tier=tier,
        rates_source=_origin(rates, source.currency, policy.reference_currency),
    )


def _origin(rates: ReferenceRates, *currencies: str) -> str:
    names = sorted({rates.origins[c] for c in currencies if c in rates.origins})
    return ",".join(names)


def price(
    source: Money,
    target_currency: str,
    *,
    rates: ReferenceRates,
    policy: PricingPolicy,
    tier: int | None = None,
) -> Pricing:
    """Price a source amount: what the customer pays is fixed, the USDC follows."""
    terms = _terms(source.currency, target_currency, rates, policy, tier)
    return _priced(source, terms, rates, policy, tier)


def price_for_target(
    target: Money,
    source_currency: str,
    *,
    rates: ReferenceRates,
    policy: PricingPolicy,
    tier: int | None = None,
) -> Pricing:
    """Price a target amount: the least source amount whose USDC is at least ``target``.

    USDC delivered never falls as the source amount grows (the fee grows by at most one minor
    unit per minor unit), so a doubling search and a bisection find the least amount exactly.
    """
    terms = _terms(source_currency, target.currency, rates, policy, tier)
    if not target.is_positive():
        raise AmountOutOfRange("the target amount must be positive")

    def enough(minor: int) -> bool:
        return _delivered(Money(minor, source_currency), terms)[1] >= target

    high = 1
    while not enough(high):
        high *= 2
        if high > 10**32:
            raise AmountOutOfRange("the target amount is out of range")
    low = high // 2  # not enough (or zero)
    while high - low > 1:
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle
    return _priced(Money(high, source_currency), terms, rates, policy, tier)
