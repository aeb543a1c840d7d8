"""The FX desk: where rates come from (a chain of sources), the operator's pricing table, quote
terms, and the peg watch. Built once per process from settings."""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import structlog

from onramp.core.money import Money
from onramp.core.settings import FeeTierSettings, FxSettings, RateSourceSettings
from onramp.fx.adapters.composite import (
    ChainLink,
    EcbBusinessDay,
    Freshness,
    MaxAge,
    RateChain,
    Unbounded,
)
from onramp.fx.adapters.http_feed import HttpJsonRateSource
from onramp.fx.adapters.rate_source import EcbFileRateSource, RateSource, StaticRateSource
from onramp.fx.ecb import ReferenceRates
from onramp.fx.errors import UsdcPegDeviation
from onramp.fx.peg import PegReading, PegWatch
from onramp.fx.pricing import FeeSchedule, Pricing, PricingPolicy, eur_rate, price, price_for_target

log = structlog.get_logger(__name__)

PegAlarmSink = Callable[[PegReading], Awaitable[None]]
DEV_SIGNING_KEY = b"dev-only-quote-signing-key-change-me"


@dataclass
class FxDesk:
    """Everything pricing needs: where rates come from and the operator's policy."""

    rates: RateSource
    policy: PricingPolicy
    quote_ttl: timedelta  # the longest a quote is firm; a client may ask for less
    min_quote_ttl: timedelta = timedelta(seconds=10)
    signing_key: bytes = DEV_SIGNING_KEY
    peg: PegWatch | None = None
    alarm_sink: PegAlarmSink | None = None

    @classmethod
    def from_settings(cls, settings: FxSettings) -> FxDesk:
        links = [_link(s, settings) for s in settings.sources]
        chain = RateChain(links)
        peg = None
        if settings.usdc_peg.market_source:
            peg = PegWatch(
                chain.source(settings.usdc_peg.market_source),
                source_name=settings.usdc_peg.market_source,
                max_deviation_bps=settings.usdc_peg.max_deviation_bps,
                halt=settings.usdc_peg.halt_pricing,
            )
        return cls(
            rates=chain,
            policy=PricingPolicy(
                reference_currency=settings.usdc_reference_currency,
                default=_schedule(settings.pricing),
                min_order_eur=settings.min_order,
                max_order_eur=settings.max_order,
                tiers={tier: _schedule(row) for tier, row in settings.tier_pricing.items()},
                currency_spread_bps=dict(settings.currency_spread_bps),
                offered=frozenset(settings.offered_currencies),
            ),
            quote_ttl=timedelta(seconds=settings.quote_ttl_seconds),
            min_quote_ttl=timedelta(seconds=settings.quote_min_ttl_seconds),
            signing_key=settings.quote_signing_key.get_secret_value().encode(),
            peg=peg,
        )

    async def refresh(self) -> None:
        """Before pricing: let feeds fetch when due, and check the USDC peg (an alarm once per
        excursion; with ``halt_pricing``, :class:`UsdcPegDeviation` while it lasts)."""
        refresh = getattr(self.rates, "refresh", None)
        if refresh is not None:
            await refresh()
        if self.peg is None:
            return
        reading, starts = self.peg.observe()
        if reading is not None and starts and self.alarm_sink is not None:
            await self.alarm_sink(reading)
        if reading is not None and reading.breached and self.peg.halt:
            raise UsdcPegDeviation(
                f"USDC trades at USD {reading.price} ({reading.deviation_bps} bps from par)"
            )

    def quote_ttl_for(self, requested_seconds: int | None) -> timedelta:
        """The server's maximum, or the client's shorter wish (never below the minimum)."""
        if requested_seconds is None:
            return self.quote_ttl
        asked = timedelta(seconds=requested_seconds)
        return max(self.min_quote_ttl, min(asked, self.quote_ttl))

    def eur_equivalent(self, amount: Money) -> Decimal:
        """``amount`` in EUR at today's reference rate (for limits and thresholds)."""
        return amount.to_decimal() / eur_rate(self.rates.latest(), _fiat(amount.currency))

    def equivalent_in(self, amount: Money, currency: str) -> Decimal:
        """``amount`` in ``currency`` at today's reference rates, crossed through EUR (for
        thresholds stated in another currency, e.g. the travel rule's USD)."""
        rates = self.rates.latest()
        return (
            amount.to_decimal()
            / eur_rate(rates, _fiat(amount.currency))
            * eur_rate(rates, _fiat(currency))
        )

    def usd_equivalent(self, amount: Money) -> tuple[Decimal, str]:
        """``amount`` in USD (USDC at par) at today's reference rates, to the cent, and the
        rates' day: the reference currency of monitoring thresholds and regulatory reports."""
        rates = self.rates.latest()
        usd = amount.to_decimal() * eur_rate(rates, "USD") / eur_rate(rates, _fiat(amount.currency))
        return usd.quantize(Decimal("0.01")), rates.day.isoformat()

    def rates_on(self, day: datetime.date) -> ReferenceRates:
        """Rates for valuing a past day (reports): history where kept, else the latest."""
        history = getattr(self.rates, "on_or_before", None)
        found = history(day) if history is not None else None
        return found if found is not None else self.rates.latest()

    def price(self, source: Money, target_currency: str, *, tier: int | None = None) -> Pricing:
        return price(
            source, target_currency, rates=self.rates.latest(), policy=self.policy, tier=tier
        )

    def price_for_target(
        self, target: Money, source_currency: str, *, tier: int | None = None
    ) -> Pricing:
        return price_for_target(
            target, source_currency, rates=self.rates.latest(), policy=self.policy, tier=tier
        )


def _fiat(currency: str) -> str:
    """USDC counts as USD for equivalents (the peg watch checks that it may)."""
    return "USD" if currency == "USDC" else currency


def _schedule(row: FeeTierSettings) -> FeeSchedule:
    return FeeSchedule(
        spread_bps=row.spread_bps,
        fee_bps=row.fee_bps,
        fee_min_eur=row.fee_min_eur,
        fee_fixed_eur=row.fee_fixed_eur,
        fee_max_eur=row.fee_max_eur,
    )


def _freshness(source: RateSourceSettings) -> Freshness:
    if source.staleness == "ecb_business_day":
        return EcbBusinessDay(grace=timedelta(minutes=source.grace_minutes))
    if source.staleness == "max_age":
        return MaxAge(source.max_age_seconds)
    log.warning("fx.rate_source_unbounded", source=source.name, note="never stale: samples only")
    return Unbounded()


def _link(source: RateSourceSettings, settings: FxSettings) -> ChainLink:
    made: RateSource
    if source.kind in ("ecb_xml", "ecb_csv"):
        made = EcbFileRateSource(source.path or settings.rates_file)
    elif source.kind == "http_json":
        if not source.url:
            raise ValueError(f"rate source {source.name}: http_json needs a url")
        made = HttpJsonRateSource(
            source.url, timeout=source.timeout_seconds, refresh_seconds=source.refresh_seconds
        )
    else:
        made = StaticRateSource(source.rates, as_of=source.as_of)
    return ChainLink(source.name, made, _freshness(source))
