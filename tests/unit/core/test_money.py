from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onramp.core.errors import InvalidInput, InvariantViolated
from onramp.core.money import (
    CURRENCIES,
    AmountNegative,
    AmountTooPrecise,
    Currency,
    CurrencyMismatch,
    InvalidAmount,
    InvalidFraction,
    InvalidRate,
    Money,
    Rounding,
    UnknownCurrency,
    currency,
)

CODES = sorted(CURRENCIES)
minors = st.integers(min_value=-(10**20), max_value=10**20)
non_negative = st.integers(min_value=0, max_value=10**30 - 1)
codes = st.sampled_from(CODES)
roundings = st.sampled_from(list(Rounding))
rates = st.decimals(
    min_value=Decimal("0.000001"), max_value=Decimal("100000"), places=6, allow_nan=False
).filter(lambda d: d > 0)


# ---------------------------------------------------------------- currencies


@pytest.mark.parametrize(
    ("code", "exponent"),
    [
        ("EUR", 2),
        ("USD", 2),
        ("HUF", 2),
        ("IDR", 2),
        ("JPY", 0),
        ("KRW", 0),
        ("ISK", 0),
        ("BHD", 3),
        ("KWD", 3),
        ("JOD", 3),
        ("TND", 3),
        ("USDC", 6),
    ],
)
def test_currency_exponents(code: str, exponent: int) -> None:
    assert currency(code) == Currency(code, exponent)


def test_currency_table_covers_required_codes() -> None:
    required = (
        "EUR USD GBP CHF SEK NOK DKK PLN CZK HUF RON BGN JPY KRW ISK BHD KWD JOD TND CAD AUD NZD "
        "SGD HKD CNY INR BRL MXN ZAR TRY ILS THB IDR PHP MYR USDC"
    ).split()
    assert set(required) <= set(CURRENCIES)
    assert all(CURRENCIES[code].code == code for code in CURRENCIES)


@pytest.mark.parametrize("code", ["eur", "Eur", " EUR", "XXX", "", "EURO", 978, None])
def test_unknown_currency(code: Any) -> None:
    with pytest.raises(UnknownCurrency) as info:
        currency(code)
    assert info.value.code == "unknown_currency"
    assert isinstance(info.value, InvalidInput)


def test_money_validates_currency_and_minor() -> None:
    with pytest.raises(UnknownCurrency):
        Money(1, "eur")
    for bad in (True, 1.0, Decimal(1), "1"):
        with pytest.raises(InvalidAmount):
            Money(bad, "EUR")  # type: ignore[arg-type]


# ---------------------------------------------------------------- parse and str


@pytest.mark.parametrize(
    ("text", "code", "minor"),
    [
        ("1000", "EUR", 100000),
        ("1000.5", "EUR", 100050),
        ("1000.00", "EUR", 100000),
        ("0", "EUR", 0),
        ("0.50", "EUR", 50),
        ("0.5", "EUR", 50),
        ("1000", "JPY", 1000),
        ("1.234", "BHD", 1234),
        ("1.000001", "USDC", 1000001),
        ("9" * 30, "EUR", int("9" * 30 + "00")),
    ],
)
def test_parse_accepts(text: str, code: str, minor: int) -> None:
    assert Money.parse(text, code) == Money(minor, code)


@pytest.mark.parametrize(
    ("amount", "code", "error", "error_code"),
    [
        ("", "EUR", InvalidAmount, "invalid_amount"),
        (" 1", "EUR", InvalidAmount, "invalid_amount"),
        ("1 ", "EUR", InvalidAmount, "invalid_amount"),
        ("1\n", "EUR", InvalidAmount, "invalid_amount"),
        ("1e3", "EUR", InvalidAmount, "invalid_amount"),
        ("1E3", "EUR", InvalidAmount, "invalid_amount"),
        ("1,000.00", "EUR", InvalidAmount, "invalid_amount"),
        ("1_000", "EUR", InvalidAmount, "invalid_amount"),
        ("1000,50", "EUR", InvalidAmount, "invalid_amount"),
        ("+1", "EUR", InvalidAmount, "invalid_amount"),
        ("NaN", "EUR", InvalidAmount, "invalid_amount"),
        ("Infinity", "EUR", InvalidAmount, "invalid_amount"),
        (".5", "EUR", InvalidAmount, "invalid_amount"),
        ("5.", "EUR", InvalidAmount, "invalid_amount"),
        ("01", "EUR", InvalidAmount, "invalid_amount"),
        ("00.5", "EUR", InvalidAmount, "invalid_amount"),
        ("1.2.3", "EUR", InvalidAmount, "invalid_amount"),
        ("١٢", "EUR", InvalidAmount, "invalid_amount"),  # Arabic-Indic digits
        ("1" * 31, "EUR", InvalidAmount, "invalid_amount"),
        (1000, "EUR", InvalidAmount, "invalid_amount"),
        (Decimal("1"), "EUR", InvalidAmount, "invalid_amount"),
        (1.5, "EUR", InvalidAmount, "invalid_amount"),
        (None, "EUR", InvalidAmount, "invalid_amount"),
        ("-1", "EUR", AmountNegative, "amount_negative"),
        ("-0.01", "EUR", AmountNegative, "amount_negative"),
        ("-0", "EUR", AmountNegative, "amount_negative"),
        ("1.001", "EUR", AmountTooPrecise, "amount_too_precise"),
        ("1.000", "EUR", AmountTooPrecise, "amount_too_precise"),
        ("1.0", "JPY", AmountTooPrecise, "amount_too_precise"),
        ("1.10", "JPY", AmountTooPrecise, "amount_too_precise"),
        ("1.0000000", "USDC", AmountTooPrecise, "amount_too_precise"),
        ("1", "eur", UnknownCurrency, "unknown_currency"),
    ],
)
def test_parse_rejects(amount: Any, code: str, error: type[InvalidInput], error_code: str) -> None:
    with pytest.raises(error) as info:
        Money.parse(amount, code)
    assert info.value.code == error_code
    assert isinstance(info.value, InvalidInput)


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(100000, "EUR"), "1000.00"),
        (Money(-150, "EUR"), "-1.50"),
        (Money(-5, "EUR"), "-0.05"),
        (Money(0, "EUR"), "0.00"),
        (Money(1000, "JPY"), "1000"),
        (Money(-7, "JPY"), "-7"),
        (Money(1_000_000, "USDC"), "1.000000"),
        (Money(1, "USDC"), "0.000001"),
        (Money(1, "BHD"), "0.001"),
    ],
)
def test_str(money: Money, text: str) -> None:
    assert str(money) == text


@given(non_negative, codes)
def test_parse_str_round_trip(minor: int, code: str) -> None:
    money = Money(minor, code)
    if len(str(money).split(".")[0]) <= 30:
        assert Money.parse(str(money), code) == money


@given(minors, codes)
def test_to_decimal_is_exact(minor: int, code: str) -> None:
    money = Money(minor, code)
    value = money.to_decimal()
    assert value.as_tuple().exponent == -CURRENCIES[code].exponent
    assert Money.of(value, code) == money
    assert str(value) == str(money)


def test_zero_and_sign_predicates() -> None:
    zero = Money.zero("USDC")
    assert zero == Money(0, "USDC")
    assert zero.is_zero()
    assert not zero.is_positive()
    assert not zero.is_negative()
    assert Money(1, "EUR").is_positive()
    assert Money(-1, "EUR").is_negative()


# ---------------------------------------------------------------- of


def test_of_exact_values() -> None:
    assert Money.of("1.5", "EUR") == Money(150, "EUR")
    assert Money.of("-2", "EUR") == Money(-200, "EUR")
    assert Money.of(Decimal("1.500000"), "EUR") == Money(150, "EUR")
    assert Money.of(Decimal("1E+3"), "JPY") == Money(1000, "JPY")
    assert Money.of(Decimal("0E-1000000"), "EUR") == Money(0, "EUR")
    assert Money.of(Decimal("-0"), "EUR") == Money(0, "EUR")


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("1.001", AmountTooPrecise),
        (Decimal("1.001"), AmountTooPrecise),
        (Decimal("1E-1000000"), AmountTooPrecise),
        (Decimal("NaN"), InvalidAmount),
        (Decimal("Infinity"), InvalidAmount),
        (Decimal("1E+30"), InvalidAmount),
        ("1e3", InvalidAmount),
        (1.5, InvalidAmount),
        (3, InvalidAmount),
    ],
)
def test_of_rejects(amount: Any, error: type[InvalidInput]) -> None:
    with pytest.raises(error):
        Money.of(amount, "EUR")


# ---------------------------------------------------------------- arithmetic


def test_arithmetic_and_comparisons() -> None:
    a, b = Money(150, "EUR"), Money(50, "EUR")
    assert a + b == Money(200, "EUR")
    assert a - b == Money(100, "EUR")
    assert b - a == Money(-100, "EUR")
    assert -a == Money(-150, "EUR")
    assert abs(Money(-150, "EUR")) == a
    assert b < a
    assert b <= a
    assert a > b
    assert a >= b
    assert a <= a
    assert a >= a
    assert Money(1, "EUR") != Money(1, "USD")
    assert hash(Money(1, "EUR")) == hash(Money(1, "EUR"))


@given(minors, minors, st.sampled_from([c for c in CODES if c != "EUR"]))
def test_mixing_currencies_raises(x: int, y: int, other: str) -> None:
    a, b = Money(x, "EUR"), Money(y, other)
    for operation in (
        lambda: a + b,
        lambda: a - b,
        lambda: a < b,
        lambda: a <= b,
        lambda: a > b,
        lambda: a >= b,
    ):
        with pytest.raises(CurrencyMismatch) as info:
            operation()
        assert info.value.code == "currency_mismatch"
        assert isinstance(info.value, InvariantViolated)


def test_arithmetic_with_non_money_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Money(1, "EUR") + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money(1, "EUR") < Decimal(1)  # type: ignore[operator]  # noqa: B015


@given(minors, minors, minors, codes)
def test_add_sub_associative(x: int, y: int, z: int, code: str) -> None:
    a, b, c = Money(x, code), Money(y, code), Money(z, code)
    assert (a + b) + c == a + (b + c)
    assert (a - b) - c == a - (b + c)
    assert (a + b) - b == a


# ---------------------------------------------------------------- convert


def test_convert_examples() -> None:
    eur = Money.parse("1000.00", "EUR")
    usdc = eur.convert(Decimal("1.1252"), "USDC", rounding=Rounding.DOWN)
    assert usdc == Money(1_125_200_000, "USDC")
    assert str(usdc) == "1125.200000"
    one_cent = Money(1, "EUR")
    assert one_cent.convert(Decimal("1.5"), "JPY", rounding=Rounding.DOWN) == Money(0, "JPY")
    assert one_cent.convert(Decimal("1.5"), "JPY", rounding=Rounding.UP) == Money(1, "JPY")
    usd = Money(333, "USD")  # 3.33 USD at 1/3 EUR per USD, 6 significant digits
    assert usd.convert(Decimal("0.333333"), "EUR", rounding=Rounding.DOWN) == Money(110, "EUR")
    assert usd.convert(Decimal("0.333333"), "EUR", rounding=Rounding.UP) == Money(111, "EUR")
    assert Money(163, "JPY").convert(Decimal("1E+2"), "EUR", rounding=Rounding.DOWN) == Money(
        1_630_000, "EUR"
    )


@pytest.mark.parametrize(
    ("minor", "rounding", "expected"),
    [
        (25, Rounding.HALF_EVEN, 2),  # 2.5 -> 2
        (35, Rounding.HALF_EVEN, 4),  # 3.5 -> 4
        (26, Rounding.HALF_EVEN, 3),
        (-25, Rounding.HALF_EVEN, -2),
        (-26, Rounding.DOWN, -2),  # toward zero
        (-21, Rounding.UP, -3),  # away from zero
        (20, Rounding.UP, 2),
    ],
)
def test_convert_rounding_modes(minor: int, rounding: Rounding, expected: int) -> None:
    # EUR (2 decimals) -> JPY (0 decimals) at rate 10: minor/100*10 = minor/10 yen
    result = Money(minor, "EUR").convert(Decimal("10"), "JPY", rounding=rounding)
    assert result == Money(expected, "JPY")


@given(non_negative, rates, codes, codes)
def test_convert_down_never_creates_value(minor: int, rate: Decimal, src: str, dst: str) -> None:
    money = Money(minor, src)
    down = money.convert(rate, dst, rounding=Rounding.DOWN)
    up = money.convert(rate, dst, rounding=Rounding.UP)
    with localcontext() as context:
        context.prec = 200
        exact = money.to_decimal() * rate
    assert down.to_decimal() <= exact <= up.to_decimal()
    assert (up - down).minor in (0, 1)
    half = money.convert(rate, dst, rounding=Rounding.HALF_EVEN)
    assert down <= half <= up


@pytest.mark.parametrize(
    "rate",
    [
        Decimal(0),
        Decimal("-1.1"),
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("1E+31"),
        Decimal("1E-31"),
        1.1,
        1,
        "1.1",
        True,
    ],
)
def test_convert_rejects_bad_rates(rate: Any) -> None:
    with pytest.raises(InvalidRate) as info:
        Money(100, "EUR").convert(rate, "USDC", rounding=Rounding.DOWN)
    assert info.value.code == "invalid_rate"


def test_convert_rejects_unknown_target_and_rounding() -> None:
    with pytest.raises(UnknownCurrency):
        Money(100, "EUR").convert(Decimal(1), "usdc", rounding=Rounding.DOWN)
    with pytest.raises(InvalidInput):
        Money(100, "EUR").convert(Decimal(1), "USDC", rounding="sideways")  # type: ignore[arg-type]


# ---------------------------------------------------------------- fraction


def test_fraction_fee_examples() -> None:
    amount = Money.parse("1000.01", "EUR")
    assert amount.fraction(150, 10_000, rounding=Rounding.UP) == Money(1501, "EUR")  # 15.00015
    assert amount.fraction(150, 10_000, rounding=Rounding.DOWN) == Money(1500, "EUR")
    assert amount.fraction(0, 10_000, rounding=Rounding.UP) == Money.zero("EUR")
    assert Money(5, "EUR").fraction(1, 2, rounding=Rounding.HALF_EVEN) == Money(2, "EUR")
    assert Money(7, "EUR").fraction(1, 2, rounding=Rounding.HALF_EVEN) == Money(4, "EUR")


@given(minors, st.integers(min_value=0, max_value=10**6), st.integers(1, 10**6), codes)
def test_fraction_bounds(minor: int, numerator: int, denominator: int, code: str) -> None:
    money = Money(minor, code)
    exact = Fraction(minor * numerator, denominator)
    up = money.fraction(numerator, denominator, rounding=Rounding.UP)
    down = money.fraction(numerator, denominator, rounding=Rounding.DOWN)
    half = money.fraction(numerator, denominator, rounding=Rounding.HALF_EVEN)
    assert abs(Fraction(up.minor)) >= abs(exact) >= abs(Fraction(down.minor))
    assert abs(up.minor - down.minor) <= 1
    assert abs(Fraction(half.minor) - exact) <= Fraction(1, 2)
    if minor >= 0:
        assert Fraction(up.minor) >= exact >= Fraction(down.minor)


@pytest.mark.parametrize(("numerator", "denominator"), [(1, 0), (1, -2), (1.5, 2), (True, 2)])
def test_fraction_rejects(numerator: Any, denominator: Any) -> None:
    with pytest.raises(InvalidFraction) as info:
        Money(100, "EUR").fraction(numerator, denominator, rounding=Rounding.UP)
    assert info.value.code == "invalid_fraction"
