"""USD-equivalent (monitoring and reports' reference currency): cross rates through EUR, USD
and USDC at par, to the cent, with the rates' day."""

from __future__ import annotations

import datetime
from datetime import timedelta
from decimal import Decimal
from types import MappingProxyType

from onramp.core.money import Money
from onramp.fx.ecb import ReferenceRates
from onramp.fx.pricing import FeeSchedule, PricingPolicy
from onramp.fx.service import FxDesk

RATES = ReferenceRates(
    day=datetime.date(2025, 5, 9),
    rates=MappingProxyType({"USD": Decimal("1.1252"), "GBP": Decimal("0.8345")}),
)


class Fixed:
    def latest(self) -> ReferenceRates:
        return RATES


DESK = FxDesk(
    rates=Fixed(),
    policy=PricingPolicy("USD", FeeSchedule(20, 50, Decimal(1)), Decimal(10), Decimal(100000)),
    quote_ttl=timedelta(minutes=15),
)


def test_eur_converts_at_the_reference_rate() -> None:
    assert DESK.usd_equivalent(Money.parse("8900.00", "EUR")) == (Decimal("10014.28"), "2025-05-09")


def test_usd_and_usdc_are_at_par() -> None:
    assert DESK.usd_equivalent(Money.parse("9500.00", "USD"))[0] == Decimal("9500.00")
    assert DESK.usd_equivalent(Money.parse("1.5", "USDC"))[0] == Decimal("1.50")


def test_cross_currency_goes_through_eur() -> None:
    # 1000 GBP = 1000 / 0.8345 EUR = 1198.32... EUR = 1348.35 USD
    assert DESK.usd_equivalent(Money.parse("1000.00", "GBP"))[0] == Decimal("1348.35")
