"""Money as an integer count of minor units. Never a float.

A :class:`Money` is ``minor`` (an ``int`` of the currency's smallest unit: cents, yen, millionths of
a USDC) plus an ISO 4217 currency code (or ``"USDC"``). Every operation is exact integer
arithmetic; the only places where a value is rounded are :meth:`Money.convert` and
:meth:`Money.fraction`, and both make the caller name the :class:`Rounding`.

Rounding rules of the business (the API makes callers say which one they apply):

* the USDC credited to a customer rounds **DOWN** (toward zero): we never pay out value that the
  exchange rate did not produce;
* fees round **UP** (away from zero): a fee is never smaller than the exact rate says.

Parsing (:meth:`Money.parse`) is deliberately strict, because its input comes from people and
partners: plain ASCII decimal notation ``"1000"``, ``"1000.5"``, ``"0.50"``; no sign, no exponent,
no grouping, no whitespace, no leading zeros in the integer part (``"01"`` and ``"00.5"`` are
rejected, ``"0.5"`` is fine), at most 30 integer digits, and never more decimals than the currency
has, even when the extra decimals are zeros (``"1.0"`` is too precise for JPY).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from onramp.core.errors import InvalidInput, InvariantViolated

MAX_INTEGER_DIGITS = 30
_MAX_RATE_MAGNITUDE = 30  # a conversion rate must lie within 1e-30 .. 1e30
_MAX_RATE_DIGITS = 60

_AMOUNT = re.compile(r"(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?")


class UnknownCurrency(InvalidInput):
    code = "unknown_currency"
    title = "Unknown currency"


class InvalidAmount(InvalidInput):
    code = "invalid_amount"
    title = "Invalid amount"


class AmountNegative(InvalidInput):
    code = "amount_negative"
    title = "Amount must not be negative"


class AmountTooPrecise(InvalidInput):
    code = "amount_too_precise"
    title = "Amount has more decimals than the currency allows"


class InvalidRate(InvalidInput):
    code = "invalid_rate"
    title = "Invalid conversion rate"


class InvalidFraction(InvalidInput):
    code = "invalid_fraction"
    title = "Invalid fraction"


class CurrencyMismatch(InvariantViolated):
    code = "currency_mismatch"
    title = "Amounts in different currencies"


class Rounding(StrEnum):
    DOWN = "down"  # toward zero
    UP = "up"  # away from zero
    HALF_EVEN = "half_even"  # to nearest, ties to the even neighbour


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    exponent: int  # number of decimals: 2 for EUR, 0 for JPY, 3 for BHD, 6 for USDC


_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        "EUR USD GBP CHF SEK NOK DKK PLN CZK HUF RON BGN CAD AUD NZD SGD HKD CNY INR BRL MXN ZAR "
        "TRY ILS THB IDR PHP MYR".split(),
        2,
    ),
    **dict.fromkeys("JPY KRW ISK CLP VND".split(), 0),
    **dict.fromkeys("BHD KWD JOD TND OMR".split(), 3),
    "USDC": 6,
}

CURRENCIES: Mapping[str, Currency] = MappingProxyType(
    {code: Currency(code, exponent) for code, exponent in sorted(_EXPONENTS.items())}
)


def currency(code: str) -> Currency:
    """The currency with this exact upper-case code; :class:`UnknownCurrency` otherwise."""
    found = CURRENCIES.get(code) if isinstance(code, str) else None
    if found is None:
        raise UnknownCurrency(f"unknown currency {code!r}", currency=repr(code)[:20])
    return found


_currency = currency  # for methods whose ``currency`` parameter shadows the function


def _rounding(value: Rounding) -> Rounding:
    try:
        return Rounding(value)
    except (ValueError, TypeError):
        raise InvalidInput(f"unknown rounding {value!r}") from None


def _pow10(exponent: int) -> int:
    result: int = 10**exponent  # exponent is never negative here
    return result


def _div_round(numerator: int, denominator: int, rounding: Rounding) -> int:
    """``numerator / denominator`` rounded as asked; ``denominator`` is positive."""
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder:
        if rounding is Rounding.UP:
            quotient += 1
        elif rounding is Rounding.HALF_EVEN:
            twice = 2 * remainder
            if twice > denominator or (twice == denominator and quotient % 2 == 1):
                quotient += 1
    return -quotient if numerator < 0 else quotient


def _split(value: Decimal) -> tuple[int, int, int]:
    """``(coefficient, exponent, number of digits)`` of a finite Decimal, sign included."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    coefficient = int("".join(map(str, digits)))
    return (-coefficient if sign else coefficient), exponent, len(digits)


def _decimal_to_minor(value: Decimal, exponent: int) -> int:
    """The exact minor-unit count of ``value``; raises if that needs rounding."""
    if not value.is_finite():
        raise InvalidAmount("amount must be a finite number")
    coefficient, exp, ndigits = _split(value)
    if coefficient and value.adjusted() >= MAX_INTEGER_DIGITS:
        raise InvalidAmount(f"amount has more than {MAX_INTEGER_DIGITS} integer digits")
    shift = exp + exponent
    if shift >= 0:
        return coefficient * _pow10(shift)
    if coefficient and (-shift > ndigits or coefficient % _pow10(-shift)):
        raise AmountTooPrecise("amount is not a whole number of minor units")
    return 0 if not coefficient else _div_round(coefficient, _pow10(-shift), Rounding.DOWN)


@dataclass(frozen=True, slots=True, order=False)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise InvalidAmount(f"minor units must be an int, not {type(self.minor).__name__}")
        currency(self.currency)

    @classmethod
    def parse(cls, amount: str, currency: str) -> Money:
        """Parse a strict decimal string (see the module docstring) in ``currency``."""
        exponent = _currency(currency).exponent
        if not isinstance(amount, str):
            raise InvalidAmount(f"amount must be a string, not {type(amount).__name__}")
        match = _AMOUNT.fullmatch(amount)
        if match is None:
            raise InvalidAmount("amount must be plain decimal digits like 1000.00")
        negative, whole, decimals = match.groups()
        if len(whole) > MAX_INTEGER_DIGITS:
            raise InvalidAmount(f"amount has more than {MAX_INTEGER_DIGITS} integer digits")
        if negative:
            raise AmountNegative("amount must not be negative")
        decimals = decimals or ""
        if len(decimals) > exponent:
            raise AmountTooPrecise(f"{currency} allows at most {exponent} decimals")
        return cls(int(whole + decimals.ljust(exponent, "0")), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def of(cls, amount: Decimal | str, currency: str) -> Money:
        """An exact amount (may be negative); for constants in code, not for user input.

        Raises :class:`AmountTooPrecise` if the value is not a whole number of minor units.
        """
        exponent = _currency(currency).exponent
        if isinstance(amount, str):
            if _AMOUNT.fullmatch(amount) is None:
                raise InvalidAmount("amount must be plain decimal digits like -1000.00")
            amount = Decimal(amount)
        if not isinstance(amount, Decimal):
            raise InvalidAmount(f"amount must be a Decimal or str, not {type(amount).__name__}")
        return cls(_decimal_to_minor(amount, exponent), currency)

    @property
    def exponent(self) -> int:
        return CURRENCIES[self.currency].exponent

    def to_decimal(self) -> Decimal:
        """The exact value as a Decimal with exactly ``exponent`` decimals."""
        digits = tuple(int(c) for c in str(abs(self.minor)))
        return Decimal((int(self.minor < 0), digits, -self.exponent))

    def __str__(self) -> str:
        exponent = self.exponent
        sign = "-" if self.minor < 0 else ""
        digits = str(abs(self.minor))
        if exponent == 0:
            return sign + digits
        digits = digits.rjust(exponent + 1, "0")
        return f"{sign}{digits[:-exponent]}.{digits[-exponent:]}"

    def is_zero(self) -> bool:
        return self.minor == 0

    def is_positive(self) -> bool:
        return self.minor > 0

    def is_negative(self) -> bool:
        return self.minor < 0

    def _minor_of(self, other: object) -> int:
        if not isinstance(other, Money):
            raise TypeError(f"expected Money, got {type(other).__name__}")
        if self.currency != other.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")
        return other.minor

    def __add__(self, other: Money) -> Money:
        return Money(self.minor + self._minor_of(other), self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.minor - self._minor_of(other), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.minor < self._minor_of(other)

    def __le__(self, other: Money) -> bool:
        return self.minor <= self._minor_of(other)

    def __gt__(self, other: Money) -> bool:
        return self.minor > self._minor_of(other)

    def __ge__(self, other: Money) -> bool:
        return self.minor >= self._minor_of(other)

    def convert(self, rate: Decimal, to: str, *, rounding: Rounding) -> Money:
        """This amount times ``rate`` (units of ``to`` per one unit of ``self.currency``).

        The product is computed exactly in integers and rounded once, to ``to``'s exponent.
        """
        target, rounding = currency(to).exponent, _rounding(rounding)
        if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
            raise InvalidRate("rate must be a finite, positive Decimal")
        coefficient, exp, ndigits = _split(rate)
        if ndigits > _MAX_RATE_DIGITS or abs(rate.adjusted()) > _MAX_RATE_MAGNITUDE:
            raise InvalidRate("rate is out of range")
        # value in target minor units = minor * coefficient * 10**(exp - self.exponent + target)
        shift = exp - self.exponent + target
        product = self.minor * coefficient
        if shift >= 0:
            return Money(product * _pow10(shift), to)
        return Money(_div_round(product, _pow10(-shift), rounding), to)

    def fraction(self, numerator: int, denominator: int, *, rounding: Rounding) -> Money:
        """``self * numerator / denominator`` in whole minor units, e.g. a fee in basis points:
        ``amount.fraction(bps, 10_000, rounding=Rounding.UP)``."""
        for name, value in (("numerator", numerator), ("denominator", denominator)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidFraction(f"{name} must be an int")
        if denominator <= 0:
            raise InvalidFraction("denominator must be positive")
        return Money(
            _div_round(self.minor * numerator, denominator, _rounding(rounding)), self.currency
        )
