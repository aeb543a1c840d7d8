"""Property tests of pricing arithmetic: over every offered currency (JPY with 0 decimals, BHD
with 3), tier, fee and spread, the conversion never over-pays, the fee is at least the exact
fee, the split of the margin balances to the minor unit, and a target quote delivers at least
the target for the least source amount that does."""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from types import MappingProxyType

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from onramp.core.money import Money, Rounding
from onramp.fx.ecb import ReferenceRates
from onramp.fx.errors import AmountOutOfRange
from onramp.fx.pricing import (
    FeeSchedule,
    PricingPolicy,
    conversion_split,
    fee_for,
    price,
    price_for_target,
)

RATES = ReferenceRates(
    day=datetime.date(2025, 5, 9),
    rates=MappingProxyType(
        {
            "USD": Decimal("1.1252"),
            "GBP": Decimal("0.84515"),
            "CHF": Decimal("0.9344"),
            "JPY": Decimal("163.73"),
            "SEK": Decimal("10.9275"),
            "CAD": Decimal("1.5661"),
            "BHD": Decimal("0.42308"),
        }
    ),
)
CURRENCIES = ["EUR", "USD", "GBP", "CHF", "JPY", "SEK", "CAD", "BHD"]

schedules = st.builds(
    FeeSchedule,
    spread_bps=st.integers(0, 500),
    fee_bps=st.integers(0, 500),
    fee_min_eur=st.decimals(0, 20, places=2),
    fee_fixed_eur=st.decimals(0, 5, places=2),
    fee_max_eur=st.one_of(st.none(), st.decimals(Decimal("0.01"), 500, places=2)),
)


def policy_for(schedule: FeeSchedule, extra_bps: int = 0) -> PricingPolicy:
    return PricingPolicy(
        reference_currency="USD",
        default=FeeSchedule(20, 50, Decimal("1")),
        min_order_eur=Decimal("0.01"),
        max_order_eur=Decimal("10000000"),
        tiers={2: schedule},
        currency_spread_bps={"BHD": extra_bps},
        offered=frozenset(CURRENCIES),
    )


@given(
    currency=st.sampled_from(CURRENCIES),
    minor=st.integers(1, 10**10),
    schedule=schedules,
    extra=st.integers(0, 100),
)
def test_price_never_overpays_and_the_split_balances(
    currency: str, minor: int, schedule: FeeSchedule, extra: int
) -> None:
    try:
        p = price(
            Money(minor, currency), "USDC", rates=RATES, policy=policy_for(schedule, extra), tier=2
        )
    except AmountOutOfRange:
        return
    exp = p.source.exponent
    # the USDC: at most the net at the customer rate, by less than one micro-USDC
    exact = Fraction(p.net.minor, 10**exp) * Fraction(p.rate) * 10**6
    assert p.target.minor <= exact < p.target.minor + 1
    # the customer rate is the mid less the spread, never more
    assert Fraction(p.rate) <= Fraction(p.mid_rate) * Fraction(10_000 - p.spread_bps, 10_000)
    # the fee is at least the exact percentage (no max) and at least the minimum
    if schedule.fee_max_eur is None:
        assert p.fee.minor * 10_000 >= minor * schedule.fee_bps
    per_eur = Fraction(RATES.rates.get(currency, Decimal(1)))
    assert Fraction(p.fee.minor, 10**exp) >= Fraction(schedule.fee_min_eur) * per_eur
    # the conversion's parts are non-negative and add up to the source to the minor unit
    split = p.split()
    parts = (p.fee, split.position, split.spread, split.rounding)
    assert all(not part.is_negative() for part in parts)
    assert sum(part.minor for part in parts) == p.source.minor
    assert split.rounding.minor <= 1


@given(
    currency=st.sampled_from(CURRENCIES),
    target_micro=st.integers(1, 10**13),
    schedule=schedules,
)
def test_target_quote_delivers_at_least_the_target_for_the_least_amount(
    currency: str, target_micro: int, schedule: FeeSchedule
) -> None:
    target = Money(target_micro, "USDC")
    policy = policy_for(schedule)
    try:
        p = price_for_target(target, currency, rates=RATES, policy=policy, tier=2)
    except AmountOutOfRange:
        return
    assert p.target >= target
    one_less = Money(p.source.minor - 1, currency)
    assume(one_less.is_positive())
    try:
        fewer = price(one_less, "USDC", rates=RATES, policy=policy, tier=2).target
    except AmountOutOfRange:
        return  # one unit less does not even cover the fee
    assert fewer < target


@given(
    net=st.integers(1, 10**12),
    exponent_ccy=st.sampled_from(["JPY", "EUR", "BHD"]),
    mid=st.decimals(Decimal("0.000001"), Decimal("1000"), places=12),
    spread=st.integers(0, 1000),
)
def test_split_balances_for_any_rates(
    net: int, exponent_ccy: str, mid: Decimal, spread: int
) -> None:
    rate = (mid * (10_000 - spread) / 10_000).quantize(Decimal("1e-10"), rounding=ROUND_DOWN)
    assume(rate > 0)
    source = Money(net, exponent_ccy)
    target = source.convert(rate, "USDC", rounding=Rounding.DOWN)
    split = conversion_split(source, target, rate=rate, mid=mid)
    assert split.position.minor + split.spread.minor + split.rounding.minor == net
    assert min(split.position.minor, split.spread.minor, split.rounding.minor) >= 0


def test_jpy_fee_minimum_converts_from_eur_and_rounds_up() -> None:
    fee = fee_for(Money(10_000, "JPY"), FeeSchedule(0, 0, Decimal("1.00")), Decimal("163.73"))
    assert fee == Money(164, "JPY")  # 163.73 rounds UP to whole yen


def test_bhd_fee_maximum_rounds_down_and_fixed_rounds_up() -> None:
    schedule = FeeSchedule(0, 100, Decimal("0"), Decimal("1.00"), Decimal("10.00"))
    small = fee_for(Money(100_000, "BHD"), schedule, Decimal("0.42308"))
    # 1% of 100.000 = 1.000; fixed EUR 1 = 0.42308 -> 0.424
    assert small == Money(1_424, "BHD")
    large = fee_for(Money(10_000_000, "BHD"), schedule, Decimal("0.42308"))
    assert large == Money(4_230, "BHD")  # EUR 10 = 4.2308 -> 4.230


@pytest.mark.parametrize(("currency", "amount"), [("JPY", "200000"), ("BHD", "500.000")])
def test_worked_examples_balance(currency: str, amount: str) -> None:
    p = price(
        Money.parse(amount, currency),
        "USDC",
        rates=RATES,
        policy=policy_for(FeeSchedule(20, 50, Decimal(1))),
        tier=2,
    )
    split = p.split()
    assert (
        p.fee.minor + split.position.minor + split.spread.minor + split.rounding.minor
        == p.source.minor
    )
    assert split.spread.is_positive()
