"""The USDC/USD peg watch. Pricing treats USDC as USD 1:1; this checks that the market agrees.

The price of one USDC in USD is read from a configured rate source whose rates include both USD
and USDC per EUR (``USD / USDC``). Beyond ``max_deviation_bps`` from 1 the watch raises an
operator alarm (an error log ``fx.usdc_peg_deviation`` and, through the desk's alarm sink, an
``onramp.fx.usdc_peg_deviation.v1`` event with an audit record) once per excursion, and a
recovery is logged when the price returns. Whether pricing stops meanwhile is the operator's
setting (``fx.usdc_peg.halt_pricing``). A price that cannot be read (the source is down or has no
USDC) is logged as ``fx.usdc_peg_unverified`` and does not stop pricing: the alarm is about a
deviation seen, not about a missing feed, whose own staleness rule covers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import structlog

from onramp.core.errors import OnrampError
from onramp.fx.adapters.rate_source import RateSource

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class PegReading:
    price: Decimal  # USD per USDC
    deviation_bps: Decimal
    breached: bool
    source: str
    day: str

    def as_dict(self) -> dict[str, str | bool]:
        return {
            "price_usd": str(self.price),
            "deviation_bps": str(self.deviation_bps),
            "breached": self.breached,
            "source": self.source,
            "rates_day": self.day,
        }


class PegWatch:
    def __init__(
        self, source: RateSource, *, source_name: str, max_deviation_bps: int, halt: bool
    ) -> None:
        self._source = source
        self._name = source_name
        self.max_deviation_bps = max_deviation_bps
        self.halt = halt
        self.alarmed = False

    def read(self) -> PegReading | None:
        try:
            rates = self._source.latest()
        except (OnrampError, OSError) as exc:
            log.warning("fx.usdc_peg_unverified", source=self._name, error=type(exc).__name__)
            return None
        usd, usdc = rates.rates.get("USD"), rates.rates.get("USDC")
        if usd is None or usdc is None:
            log.warning("fx.usdc_peg_unverified", source=self._name, error="no USD or USDC rate")
            return None
        price = (usd / usdc).quantize(Decimal("1e-8"))
        deviation = (abs(price - 1) * 10_000).quantize(Decimal("0.01"))
        return PegReading(
            price, deviation, deviation > self.max_deviation_bps, self._name, str(rates.day)
        )

    def observe(self) -> tuple[PegReading | None, bool]:
        """The current reading, and whether it starts a new excursion (alarm once per one)."""
        reading = self.read()
        if reading is None:
            return None, False
        if reading.breached:
            log.error("fx.usdc_peg_deviation", **reading.as_dict(), halt_pricing=self.halt)
            starts = not self.alarmed
            self.alarmed = True
            return reading, starts
        if self.alarmed:
            log.warning("fx.usdc_peg_restored", **reading.as_dict())
            self.alarmed = False
        return reading, False
