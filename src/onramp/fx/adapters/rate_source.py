"""Where reference rates come from. Production: the ECB's daily feed fetched on a schedule;
locally and in tests: an ECB-format file. Both yield the same ``ReferenceRates``."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from onramp.fx.ecb import ReferenceRates, load_reference_rates


class RateSource(Protocol):
    def latest(self) -> ReferenceRates: ...


class EcbFileRateSource:
    """Reads an ECB ``eurofxref`` file; re-reads it when the file changes on disk."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._mtime_ns = -1
        self._latest: ReferenceRates | None = None

    def latest(self) -> ReferenceRates:
        mtime_ns = self._path.stat().st_mtime_ns
        if self._latest is None or mtime_ns != self._mtime_ns:
            days = load_reference_rates(self._path)
            self._latest = days[0]
            self._mtime_ns = mtime_ns
        return self._latest
