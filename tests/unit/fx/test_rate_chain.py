"""The rate chain: each source by its own staleness rule, in priority order, falling back per
currency; a stale or missing rate is refused with a stable error, never guessed."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from onramp.core.money import Money
from onramp.fx.adapters.composite import ChainLink, EcbBusinessDay, MaxAge, RateChain, Unbounded
from onramp.fx.adapters.rate_source import EcbFileRateSource, StaticRateSource
from onramp.fx.errors import FxRateStale, FxRateUnavailable
from onramp.fx.pricing import FeeSchedule, PricingPolicy, eur_rate, price

DATA = Path(__file__).parents[2] / "data" / "fx"
DAILY = DATA / "eurofxref-daily.xml"  # 2025-05-09, a Friday
HISTORY_CSV = DATA / "eurofxref-hist_2024-10-02_2024-12-31.csv"
HISTORY_XML = DATA / "eurofxref-hist-90d.xml"
POLICY = PricingPolicy("USD", FeeSchedule(20, 50, Decimal("1")), Decimal("10"), Decimal("100000"))


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def ecb_chain(now: datetime, *extra: ChainLink) -> RateChain:
    link = ChainLink("ecb", EcbFileRateSource(DAILY), EcbBusinessDay(timedelta(hours=2)))
    return RateChain([link, *extra], clock=lambda: now)


def test_ecb_daily_rates_are_current_over_the_weekend() -> None:
    rates = ecb_chain(at(2025, 5, 11, 23, 0)).latest()  # Sunday night
    assert rates.rates["USD"] == Decimal("1.1252")
    assert rates.origins["USD"] == "ecb"
    assert rates.day == date(2025, 5, 9)


def test_ecb_daily_rates_are_refused_once_the_next_publication_is_past() -> None:
    rates = ecb_chain(at(2025, 5, 12, 16, 0)).latest()  # Monday 18:00 CEST
    with pytest.raises(FxRateStale) as info:
        eur_rate(rates, "USD")
    assert info.value.code == "fx_rate_stale"
    assert info.value.extra == {"currency": "USD"}
    assert "ecb rates of 2025-05-09" in info.value.detail


def test_a_stale_rate_refuses_pricing() -> None:
    rates = ecb_chain(at(2025, 5, 13)).latest()
    with pytest.raises(FxRateStale):
        price(Money.parse("100.00", "GBP"), "USDC", rates=rates, policy=POLICY)


def test_fallback_takes_over_for_a_stale_primary() -> None:
    fresh = StaticRateSource(
        {"USD": Decimal("1.13"), "GBP": Decimal("0.85")}, as_of=at(2025, 5, 13)
    )
    chain = ecb_chain(at(2025, 5, 13, 0, 5), ChainLink("static", fresh, MaxAge(600)))
    rates = chain.latest()
    assert rates.rates["USD"] == Decimal("1.13")
    assert rates.origins["USD"] == "static"
    with pytest.raises(FxRateStale):  # JPY: only the stale ECB file has it
        eur_rate(rates, "JPY")


def test_bhd_is_priced_from_the_fallback_source_the_ecb_does_not_publish() -> None:
    static = StaticRateSource({"BHD": Decimal("0.42308")}, as_of=at(2025, 5, 10))
    rates = ecb_chain(at(2025, 5, 10, 12), ChainLink("static", static, MaxAge(86_400))).latest()
    assert rates.origins == {**{c: "ecb" for c in rates.rates if c != "BHD"}, "BHD": "static"}
    p = price(Money.parse("100.000", "BHD"), "USDC", rates=rates, policy=POLICY)
    assert p.mid_rate == (Decimal("1.1252") / Decimal("0.42308")).quantize(Decimal("1e-12"))
    assert p.rates_source == "ecb,static"


def test_a_currency_no_source_has_is_unavailable() -> None:
    rates = ecb_chain(at(2025, 5, 10)).latest()
    with pytest.raises(FxRateUnavailable) as info:
        eur_rate(rates, "BHD")
    assert info.value.code == "fx_rate_unavailable"


def test_primary_wins_where_both_are_current() -> None:
    static = StaticRateSource({"USD": Decimal("2")}, as_of=at(2025, 5, 10))
    rates = ecb_chain(at(2025, 5, 10), ChainLink("static", static, Unbounded())).latest()
    assert rates.rates["USD"] == Decimal("1.1252")


def test_a_missing_file_is_passed_over(tmp_path: Path) -> None:
    gone = ChainLink("ecb", EcbFileRateSource(tmp_path / "nope.xml"), Unbounded())
    static = ChainLink("static", StaticRateSource({"USD": Decimal("1.1")}), Unbounded())
    rates = RateChain([gone, static]).latest()
    assert rates.rates == {"USD": Decimal("1.1")}


@pytest.mark.parametrize(
    ("path", "newest", "usd"),
    [
        (HISTORY_CSV, date(2024, 12, 31), Decimal("1.0389")),
        (DAILY, date(2025, 5, 9), Decimal("1.1252")),
    ],
)
def test_ecb_file_sources_read_xml_and_csv(path: Path, newest: date, usd: Decimal) -> None:
    latest = EcbFileRateSource(path).latest()
    assert (latest.day, latest.rates["USD"]) == (newest, usd)


def test_history_gives_the_last_publication_on_or_before_a_day() -> None:
    source = EcbFileRateSource(HISTORY_CSV)
    christmas = source.on_or_before(date(2024, 12, 25))
    assert christmas is not None
    assert christmas.day == date(2024, 12, 24)
    assert source.on_or_before(date(2024, 1, 1)) is None


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("Date,USD,\n2025-05-09,1.0000,\n")
    source = EcbFileRateSource(path)
    assert source.latest().rates["USD"] == Decimal("1.0000")
    path.write_text("Date,USD,\n2025-05-12,1.2000,\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert source.latest().rates["USD"] == Decimal("1.2000")
