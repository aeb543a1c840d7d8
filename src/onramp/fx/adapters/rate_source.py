"""Where reference rates come from, behind one protocol: ``latest()`` gives the newest
``ReferenceRates`` a source has (units per 1 EUR). Sources say nothing about freshness; the
chain that combines them (``fx.adapters.composite``) judges each by its own rule.

* :class:`EcbFileRateSource`: an ECB ``eurofxref`` file, daily or 90-day XML or the history CSV,
  re-read when it changes on disk (a scheduled download keeps it current in production);
* :class:`StaticRateSource`: rates the operator configured, with the time they were set;
* ``fx.adapters.http_feed.HttpJsonRateSource``: a market feed over HTTP (JSON).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from onramp.core.money import currency as lookup_currency
from onramp.fx.ecb import EcbFormatError, ReferenceRates, load_reference_rates


class RateSource(Protocol):
    def latest(self) -> ReferenceRates: ...


class EcbFileRateSource:
    """Reads an ECB ``eurofxref`` file (``.xml`` or ``.csv``); re-reads it when it changes."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._mtime_ns = -1
        self._days: list[ReferenceRates] = []

    def _load(self) -> list[ReferenceRates]:
        mtime_ns = self._path.stat().st_mtime_ns
        if not self._days or mtime_ns != self._mtime_ns:
            self._days = load_reference_rates(self._path)
            self._mtime_ns = mtime_ns
        return self._days

    def latest(self) -> ReferenceRates:
        return self._load()[0]

    def on_or_before(self, day: datetime.date) -> ReferenceRates | None:
        """The rates of ``day``, or of the last publication day before it (history files)."""
        return next((r for r in self._load() if r.day <= day), None)


class StaticRateSource:
    """Operator-configured rates (units per 1 EUR). ``as_of`` is when they were set: with a
    max-age rule they go stale like a feed; without one they stand until changed (samples)."""

    def __init__(
        self, rates: Mapping[str, Decimal], *, as_of: datetime.datetime | None = None
    ) -> None:
        for code, rate in rates.items():
            lookup_currency(code)
            if code == "EUR" or not rate.is_finite() or rate <= 0:
                raise EcbFormatError(f"static rate for {code} must be a positive non-EUR rate")
        self._rates = MappingProxyType(dict(rates))
        self._as_of = as_of

    def latest(self) -> ReferenceRates:
        day = self._as_of.date() if self._as_of else datetime.datetime.now(datetime.UTC).date()
        return ReferenceRates(day=day, rates=self._rates, as_of=self._as_of)
