"""The USDC/USD peg watch: an alarm (log, sink once per excursion) beyond the band, pricing
stopped only when the operator says so, and no alarm for a price it cannot read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType

import pytest
from structlog.testing import capture_logs

from onramp.core.money import Money
from onramp.fx.desk import FxDesk
from onramp.fx.ecb import ReferenceRates
from onramp.fx.errors import UsdcPegDeviation
from onramp.fx.peg import PegReading, PegWatch
from onramp.fx.pricing import FeeSchedule, PricingPolicy


class Market:
    def __init__(self, usdc: str | None) -> None:
        self.usdc = usdc

    def latest(self) -> ReferenceRates:
        rates = {"USD": Decimal("1.1000")}
        if self.usdc is not None:
            rates["USDC"] = Decimal(self.usdc)
        return ReferenceRates(
            day=date(2025, 5, 9),
            rates=MappingProxyType(rates),
            as_of=datetime(2025, 5, 9, tzinfo=UTC),
        )


def desk(market: Market, *, halt: bool) -> tuple[FxDesk, list[PegReading]]:
    alarms: list[PegReading] = []

    async def sink(reading: PegReading) -> None:
        alarms.append(reading)

    made = FxDesk(
        rates=market,
        policy=PricingPolicy("USD", FeeSchedule(20, 50, Decimal(1)), Decimal(10), Decimal(100_000)),
        quote_ttl=timedelta(minutes=15),
        peg=PegWatch(market, source_name="feed", max_deviation_bps=50, halt=halt),
        alarm_sink=sink,
    )
    return made, alarms


async def test_within_the_band_nothing_happens() -> None:
    fx, alarms = desk(Market("1.1040"), halt=True)  # USDC at 0.99638: 36 bps
    await fx.refresh()
    assert alarms == []
    assert fx.price(Money.parse("100.00", "EUR"), "USDC").target.is_positive()


async def test_a_deviation_halts_pricing_and_raises_one_alarm_per_excursion() -> None:
    market = Market("1.1200")  # 1.1 / 1.12 = 0.98214: 178.57 bps below par
    fx, alarms = desk(market, halt=True)
    with capture_logs() as logs, pytest.raises(UsdcPegDeviation) as info:
        await fx.refresh()
    assert info.value.code == "usdc_peg_deviation"
    assert [e["event"] for e in logs if e["log_level"] == "error"] == ["fx.usdc_peg_deviation"]
    assert len(alarms) == 1
    assert alarms[0].deviation_bps == Decimal("178.57")
    with pytest.raises(UsdcPegDeviation):
        await fx.refresh()
    assert len(alarms) == 1  # the same excursion
    market.usdc = "1.1000"
    await fx.refresh()  # back at par: pricing resumes
    market.usdc = "1.0800"
    with pytest.raises(UsdcPegDeviation):
        await fx.refresh()
    assert len(alarms) == 2  # a new excursion


async def test_without_halt_the_alarm_is_raised_and_pricing_goes_on() -> None:
    fx, alarms = desk(Market("1.2000"), halt=False)
    await fx.refresh()
    assert len(alarms) == 1
    assert alarms[0].breached


async def test_an_unreadable_price_is_logged_not_alarmed() -> None:
    fx, alarms = desk(Market(None), halt=True)
    with capture_logs() as logs:
        await fx.refresh()
    assert alarms == []
    assert "fx.usdc_peg_unverified" in [e["event"] for e in logs]
