"""Several rate sources in priority order, each with its own staleness rule: a fallback chain.

For each currency the chain takes the rate of the first source (highest priority) that has the
currency and is current by its rule; a source that fails to load or is stale is passed over.
A currency that only stale sources have is reported stale, one that no source has unavailable
(``pricing.eur_rate`` turns these into ``fx_rate_stale`` / ``fx_rate_unavailable``): the chain
never prices from a rate past its limit.

Staleness rules (docs/pricing.md):

* :class:`EcbBusinessDay`: the ECB's rates of day D are current until the next TARGET business
  day's publication (16:00 Frankfurt) plus a grace (weekends and TARGET holidays bridge);
* :class:`MaxAge`: a feed's (or configured) rates are current for N seconds after their
  ``as_of``;
* :class:`Unbounded`: never stale. Only for frozen sample files in development: the process
  logs a warning at start for every such source.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Protocol

import structlog

from onramp.core.errors import OnrampError
from onramp.fx.adapters.rate_source import RateSource
from onramp.fx.ecb import ReferenceRates
from onramp.fx.target_calendar import ecb_rates_current_until

log = structlog.get_logger(__name__)


class Freshness(Protocol):
    def current_until(self, rates: ReferenceRates) -> datetime.datetime | None:
        """When ``rates`` stop being current (UTC); None: never."""
        ...


@dataclass(frozen=True)
class EcbBusinessDay:
    grace: timedelta = timedelta(hours=2)

    def current_until(self, rates: ReferenceRates) -> datetime.datetime:
        return ecb_rates_current_until(rates.day, grace=self.grace)


@dataclass(frozen=True)
class MaxAge:
    seconds: int

    def current_until(self, rates: ReferenceRates) -> datetime.datetime:
        observed = rates.as_of or datetime.datetime.combine(rates.day, datetime.time(), UTC)
        return observed.astimezone(UTC) + timedelta(seconds=self.seconds)


@dataclass(frozen=True)
class Unbounded:
    def current_until(self, rates: ReferenceRates) -> None:
        return None


@dataclass(frozen=True)
class ChainLink:
    name: str
    source: RateSource
    freshness: Freshness


def _now() -> datetime.datetime:
    return datetime.datetime.now(UTC)


class RateChain:
    """A :class:`RateSource` made of other sources (see the module docstring)."""

    def __init__(
        self, links: Sequence[ChainLink], *, clock: Callable[[], datetime.datetime] = _now
    ) -> None:
        names = [link.name for link in links]
        if not links or len(set(names)) != len(names):
            raise ValueError("a rate chain needs at least one source and unique names")
        self.links = tuple(links)
        self._clock = clock

    def source(self, name: str) -> RateSource:
        for link in self.links:
            if link.name == name:
                return link.source
        raise KeyError(name)

    async def refresh(self) -> None:
        """Let sources that fetch (feeds) fetch; each decides whether it is due."""
        for link in self.links:
            refresh = getattr(link.source, "refresh", None)
            if refresh is not None:
                await refresh()

    def latest(self) -> ReferenceRates:
        return self._merge([(link, _load(link)) for link in self.links])

    def on_or_before(self, day: datetime.date) -> ReferenceRates:
        """Rates for valuing ``day``: history where a source keeps it, otherwise its latest;
        no staleness rule (a report values the past with the rates it had)."""
        snapshots: list[tuple[ChainLink, ReferenceRates | None]] = []
        for link in self.links:
            history = getattr(link.source, "on_or_before", None)
            snapshots.append((link, history(day) if history is not None else _load(link)))
        return self._merge(snapshots, check=False)

    def _merge(
        self, snapshots: Sequence[tuple[ChainLink, ReferenceRates | None]], *, check: bool = True
    ) -> ReferenceRates:
        now = self._clock()
        rates: dict[str, Decimal] = {}
        origins: dict[str, str] = {}
        stale: dict[str, str] = {}
        days: list[datetime.date] = []
        for link, snapshot in snapshots:
            if snapshot is None:
                continue
            until = link.freshness.current_until(snapshot) if check else None
            if until is not None and now >= until:
                why = (
                    f"{link.name} rates of {snapshot.day} were current until "
                    f"{until:%Y-%m-%d %H:%M} UTC"
                )
                for code in snapshot.rates:
                    stale.setdefault(code, why)
                continue
            fresh = [code for code in snapshot.rates if code not in rates]
            for code in fresh:
                rates[code] = snapshot.rates[code]
                origins[code] = link.name
            if fresh:
                days.append(snapshot.day)
        return ReferenceRates(
            day=min(days) if days else now.date(),
            rates=MappingProxyType(rates),
            origins=MappingProxyType(origins),
            stale=MappingProxyType({c: w for c, w in stale.items() if c not in rates}),
        )


def _load(link: ChainLink) -> ReferenceRates | None:
    try:
        return link.source.latest()
    except (OnrampError, OSError) as exc:
        log.warning("fx.rate_source_failed", source=link.name, error=type(exc).__name__)
        return None
