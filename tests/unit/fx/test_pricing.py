"""Pricing: reference rate, spread, fee (rounds UP) and the USDC paid out (rounds DOWN)."""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, Decimal, localcontext
from fractions import Fraction
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onramp.core.errors import InvalidInput
from onramp.core.money import Money
from onramp.fx.ecb import ReferenceRates
from onramp.fx.errors import AmountOutOfRange, FxRateUnavailable, UnsupportedCurrencyPair
from onramp.fx.pricing import MID_QUANTUM, RATE_QUANTUM, FeeSchedule, PricingPolicy, price

RATES = ReferenceRates(
    day=datetime.date(2024, 12, 31),
    rates=MappingProxyType(
        {"USD": Decimal("1.1252"), "GBP": Decimal("0.8345"), "JPY": Decimal("163.06")}
    ),
)


def policy(
    reference: str = "USD",
    spread_bps: int = 20,
    fee_bps: int = 50,
    min_fee: Decimal = Decimal("1.00"),
    min_order: Decimal = Decimal("10"),
    max_order: Decimal = Decimal("100000"),
) -> PricingPolicy:
    return PricingPolicy(
        reference_currency=reference,
        default=FeeSchedule(spread_bps=spread_bps, fee_bps=fee_bps, fee_min_eur=min_fee),
        min_order_eur=min_order,
        max_order_eur=max_order,
        offered=frozenset({"EUR", "USD", "GBP", "JPY", "CHF"}),
    )


POLICY = policy()
NO_MIN_FEE = policy(min_fee=Decimal("0"), min_order=Decimal("1"))


def eur(amount: str) -> Money:
    return Money.parse(amount, "EUR")


def test_worked_example_eur_1000() -> None:
    p = price(eur("1000.00"), "USDC", rates=RATES, policy=POLICY)
    assert p.source == eur("1000.00")
    assert p.mid_rate == Decimal("1.1252")
    assert p.rate == Decimal("1.1229496")
    assert p.fee == eur("5.00")
    assert p.target == Money.parse("1117.334852", "USDC")
    assert p.rates_day == "2024-12-31"


def test_rate_is_quantized_to_ten_decimals() -> None:
    p = price(eur("1000.00"), "USDC", rates=RATES, policy=POLICY)
    assert p.rate == p.rate.quantize(RATE_QUANTUM)
    assert p.rate.as_tuple().exponent == -10


def test_minimum_fee_applies_to_small_amounts() -> None:
    # 0.5% of 50.00 is 0.25, below the 1.00 minimum
    p = price(eur("50.00"), "USDC", rates=RATES, policy=POLICY)
    assert p.fee == eur("1.00")
    # 49.00 * 1.1229496 = 55.0245304 -> 55.024530
    assert p.target == Money.parse("55.024530", "USDC")


def test_minimum_fee_not_applied_when_percentage_is_larger() -> None:
    p = price(eur("200.01"), "USDC", rates=RATES, policy=POLICY)
    # 200.01 * 0.005 = 1.00005 -> rounds UP to 1.01
    assert p.fee == eur("1.01")


def test_fee_rounds_up() -> None:
    # 10.01 * 0.5% = 0.05005 -> 0.06, never 0.05
    p = price(eur("10.01"), "USDC", rates=RATES, policy=NO_MIN_FEE)
    assert p.fee == eur("0.06")


def test_target_rounds_down() -> None:
    # (10.01 - 0.06) * 1.1229496 = 11.17334852 -> 11.173348, not 11.173349
    p = price(eur("10.01"), "USDC", rates=RATES, policy=NO_MIN_FEE)
    assert p.target == Money.parse("11.173348", "USDC")


def test_cross_rate_gbp_is_usd_over_gbp() -> None:
    p = price(Money.parse("1000.00", "GBP"), "USDC", rates=RATES, policy=POLICY)
    with localcontext() as ctx:
        ctx.prec = 50
        exact = (Decimal("1.1252") / Decimal("0.8345")).quantize(MID_QUANTUM) * Decimal("0.998")
    assert p.mid_rate == (Decimal("1.1252") / Decimal("0.8345")).quantize(MID_QUANTUM)
    assert p.rate == exact.quantize(RATE_QUANTUM, rounding=ROUND_DOWN)
    assert p.rate <= exact < p.rate + RATE_QUANTUM
    assert p.fee == Money.parse("5.00", "GBP")
    assert p.target.currency == "USDC"
    assert p.target.minor == int(Decimal("995.00") * p.rate * 10**6)


def test_usd_source_is_priced_at_par_less_spread() -> None:
    p = price(Money.parse("1000.00", "USD"), "USDC", rates=RATES, policy=POLICY)
    assert p.mid_rate == 1
    assert p.rate == Decimal("0.998")
    assert p.target == Money.parse("993.010000", "USDC")


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (Money.parse("100", "USDC"), "USDC"),
        (Money.parse("100.00", "EUR"), "BTC"),
        (Money.parse("100.00", "EUR"), "USD"),
        (Money.parse("100.00", "EUR"), "usdc"),
        (Money.parse("100.00", "SEK"), "USDC"),  # not an offered currency
    ],
)
def test_unsupported_pairs(source: Money, target: str) -> None:
    with pytest.raises(UnsupportedCurrencyPair) as info:
        price(source, target, rates=RATES, policy=POLICY)
    assert info.value.code == "unsupported_currency_pair"
    assert isinstance(info.value, InvalidInput)


def test_offered_currency_without_a_rate_is_unavailable_not_guessed() -> None:
    with pytest.raises(FxRateUnavailable) as info:
        price(Money.parse("100.00", "CHF"), "USDC", rates=RATES, policy=POLICY)
    assert info.value.code == "fx_rate_unavailable"


def test_reference_currency_without_rate_is_unavailable() -> None:
    with pytest.raises(FxRateUnavailable):
        price(eur("100.00"), "USDC", rates=RATES, policy=policy(reference="CHF"))


@pytest.mark.parametrize(
    "source",
    [
        eur("9.99"),
        eur("0.00"),
        eur("100000.01"),
        Money.parse("1000", "JPY"),  # about EUR 6.13
        Money.parse("84000.00", "GBP"),  # about EUR 100659
    ],
)
def test_out_of_range(source: Money) -> None:
    with pytest.raises(AmountOutOfRange) as info:
        price(source, "USDC", rates=RATES, policy=POLICY)
    assert info.value.code == "amount_out_of_range"


def test_range_is_checked_in_eur_equivalent() -> None:
    # JPY 1,000,000 is about EUR 6133: inside the range although the number is large
    p = price(Money.parse("1000000", "JPY"), "USDC", rates=RATES, policy=POLICY)
    assert p.fee == Money.parse("5000", "JPY")


@pytest.mark.parametrize("amount", ["10.00", "100000.00"])
def test_range_bounds_are_inclusive(amount: str) -> None:
    assert price(eur(amount), "USDC", rates=RATES, policy=POLICY).target.is_positive()


def test_amount_not_covering_the_fee_is_out_of_range() -> None:
    with pytest.raises(AmountOutOfRange):
        price(eur("20.00"), "USDC", rates=RATES, policy=policy(min_fee=Decimal("20.00")))


@given(
    minor=st.integers(min_value=1_000, max_value=10_000_000),
    currency=st.sampled_from(["EUR", "USD", "GBP"]),
    fee_bps=st.integers(min_value=0, max_value=500),
    spread_bps=st.integers(min_value=0, max_value=500),
)
def test_rounding_never_favours_the_customer(
    minor: int, currency: str, fee_bps: int, spread_bps: int
) -> None:
    source = Money(minor, currency)
    chosen = policy("USD", spread_bps, fee_bps, Decimal("0"), Decimal("1"), Decimal("1e6"))
    p = price(source, "USDC", rates=RATES, policy=chosen)
    # fee rounds UP: fee >= amount * bps exactly, by less than one minor unit
    assert p.fee.currency == currency
    assert p.fee.minor * 10_000 >= minor * fee_bps
    assert p.fee.minor * 10_000 < minor * fee_bps + 10_000
    # target rounds DOWN: target * 1e6 <= (amount - fee) * rate, by less than one micro-USDC
    exact = Fraction(minor - p.fee.minor, 100) * Fraction(p.rate) * 10**6
    assert p.target.currency == "USDC"
    assert p.target.minor <= exact < p.target.minor + 1
    # the customer rate never exceeds the mid rate less the spread
    assert Fraction(p.rate) <= Fraction(p.mid_rate) * Fraction(10_000 - spread_bps, 10_000)


@given(minor=st.integers(min_value=1_000, max_value=10_000_000))
def test_minimum_fee_is_a_floor(minor: int) -> None:
    p = price(Money(minor, "EUR"), "USDC", rates=RATES, policy=POLICY)
    assert p.fee.minor == max(100, -(-minor * 50 // 10_000))
