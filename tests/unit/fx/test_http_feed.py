"""The HTTP JSON rate feed, over real HTTP (the rate feed sandbox): its shape, staleness by its
own ``as_of``, keeping the last good snapshot when the feed fails, and BHD through the chain."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from onramp.core.money import Money
from onramp.devstack.rate_feed import RateFeedSandbox
from onramp.fx.adapters.composite import ChainLink, MaxAge, RateChain
from onramp.fx.adapters.http_feed import HttpJsonRateSource, parse_rate_feed
from onramp.fx.errors import FxRateStale, FxRateUnavailable, RateFeedMalformed
from onramp.fx.pricing import FeeSchedule, PricingPolicy, price

NOW = datetime(2025, 5, 12, 10, 0, tzinfo=UTC)
RATES = {"USD": Decimal("1.1252"), "BHD": Decimal("0.42308"), "USDC": Decimal("1.1249")}
POLICY = PricingPolicy("USD", FeeSchedule(20, 50, Decimal("1")), Decimal("10"), Decimal("1e6"))


@pytest.fixture
def feed() -> Iterator[RateFeedSandbox]:
    with RateFeedSandbox() as sandbox:
        sandbox.set(NOW, RATES)
        yield sandbox


def test_parse_the_documented_shape() -> None:
    rates = parse_rate_feed(
        b'{"base":"EUR","as_of":"2025-05-12T10:00:00Z","rates":{"USD":"1.1252","JPY":163.06}}'
    )
    assert rates.as_of == NOW
    assert rates.rates == {"USD": Decimal("1.1252"), "JPY": Decimal("163.06")}


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"base":"USD","as_of":"2025-05-12T10:00:00Z","rates":{"EUR":"0.9"}}',
        b'{"base":"EUR","as_of":"2025-05-12T10:00:00","rates":{"USD":"1.1"}}',  # no zone
        b'{"base":"EUR","as_of":"2025-05-12T10:00:00Z","rates":{"XXX":"1.1"}}',
        b'{"base":"EUR","as_of":"2025-05-12T10:00:00Z","rates":{"USD":"-1"}}',
        b'{"base":"EUR","as_of":"2025-05-12T10:00:00Z","rates":{"USD":true}}',
        b'{"base":"EUR","as_of":"2025-05-12T10:00:00Z","rates":{}}',
        b'{"base":"EUR","as_of":"2025-05-12T10:00:00Z","rates":{"USD":"1"},"x":1}',
    ],
)
def test_anything_else_is_refused_whole(body: bytes) -> None:
    with pytest.raises(RateFeedMalformed) as info:
        parse_rate_feed(body)
    assert info.value.code == "fx_rate_feed_malformed"


async def test_fetches_over_http(feed: RateFeedSandbox) -> None:
    source = HttpJsonRateSource(feed.url, refresh_seconds=0)
    with pytest.raises(FxRateUnavailable):
        source.latest()  # nothing fetched yet: no guess
    await source.refresh()
    assert source.latest().rates["BHD"] == Decimal("0.42308")
    assert source.latest().as_of == NOW


async def test_refresh_is_throttled(feed: RateFeedSandbox) -> None:
    source = HttpJsonRateSource(feed.url, refresh_seconds=3600)
    await source.refresh()
    await source.refresh()
    assert feed.requests == 1


async def test_a_failing_feed_keeps_its_last_rates_which_then_go_stale(
    feed: RateFeedSandbox,
) -> None:
    source = HttpJsonRateSource(feed.url, refresh_seconds=0)
    await source.refresh()
    feed.fail()
    await source.refresh()
    assert source.latest().rates["USD"] == Decimal("1.1252")
    later = NOW + timedelta(seconds=301)
    rates = RateChain([ChainLink("feed", source, MaxAge(300))], clock=lambda: later).latest()
    with pytest.raises(FxRateStale):
        price(Money.parse("100.000", "BHD"), "USDC", rates=rates, policy=POLICY)


async def test_malformed_answer_keeps_the_last_good_snapshot(feed: RateFeedSandbox) -> None:
    source = HttpJsonRateSource(feed.url, refresh_seconds=0)
    await source.refresh()
    feed.set_raw(b'{"base":"EUR"}')
    await source.refresh()
    assert source.latest().rates["BHD"] == Decimal("0.42308")


async def test_bhd_priced_from_the_feed_through_the_chain(feed: RateFeedSandbox) -> None:
    chain = RateChain(
        [ChainLink("feed", HttpJsonRateSource(feed.url), MaxAge(300))],
        clock=lambda: NOW + timedelta(seconds=60),
    )
    await chain.refresh()
    p = price(Money.parse("1000.000", "BHD"), "USDC", rates=chain.latest(), policy=POLICY)
    assert p.rates_source == "feed"
    assert p.target.is_positive()
