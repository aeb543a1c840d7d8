"""A market rate feed over HTTP: ``GET <url>`` answers one JSON object.

The shape (docs/pricing.md)::

    {"base": "EUR", "as_of": "2025-05-09T14:00:00Z",
     "rates": {"USD": "1.1252", "BHD": "0.42308", "USDC": "1.1249"}}

``base`` must be ``EUR``; ``as_of`` is an ISO 8601 time with a zone (when the feed observed the
rates, which is what staleness is judged by); ``rates`` maps currency codes (ISO 4217, or USDC
for the peg check) to units per 1 EUR, as decimal strings or JSON numbers (read as exact
decimals, never floats). Anything else refuses the whole snapshot.

Fetching is asynchronous (``refresh``), at most every ``refresh_seconds``; ``latest`` returns
the last good snapshot, so a failing feed keeps its old rates and goes stale by its own
``as_of`` rather than by the time of the last attempt.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

import httpx
import structlog

from onramp.core.money import CURRENCIES
from onramp.fx.ecb import ReferenceRates
from onramp.fx.errors import FxRateUnavailable, RateFeedMalformed

log = structlog.get_logger(__name__)
MAX_FEED_BYTES = 1024 * 1024


def parse_rate_feed(body: bytes) -> ReferenceRates:
    """The feed's JSON as ``ReferenceRates``; :class:`RateFeedMalformed` for anything else."""
    if len(body) > MAX_FEED_BYTES:
        raise RateFeedMalformed("rate feed answer is too large")
    try:
        doc: Any = json.loads(body, parse_float=Decimal, parse_int=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise RateFeedMalformed("rate feed answer is not JSON") from None
    if not isinstance(doc, dict) or set(doc) != {"base", "as_of", "rates"}:
        raise RateFeedMalformed("rate feed answer must have exactly base, as_of and rates")
    if doc["base"] != "EUR":
        raise RateFeedMalformed(f"rate feed base must be EUR, got {doc['base']!r}")
    as_of = _as_of(doc["as_of"])
    raw = doc["rates"]
    if not isinstance(raw, dict) or not raw:
        raise RateFeedMalformed("rate feed rates must be a non-empty object")
    rates: dict[str, Decimal] = {}
    for code, value in raw.items():
        if code not in CURRENCIES or code == "EUR":
            raise RateFeedMalformed(f"rate feed names an unknown currency {code!r}")
        rates[code] = _rate(code, value)
    return ReferenceRates(day=as_of.date(), rates=MappingProxyType(rates), as_of=as_of)


def _as_of(value: Any) -> datetime:
    if not isinstance(value, str):
        raise RateFeedMalformed("rate feed as_of must be an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RateFeedMalformed(f"rate feed as_of is not ISO 8601: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        raise RateFeedMalformed("rate feed as_of must carry a time zone")
    return parsed


def _rate(code: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | Decimal):
        raise RateFeedMalformed(f"rate for {code} must be a decimal")
    try:
        rate = Decimal(value)
    except InvalidOperation:
        raise RateFeedMalformed(f"rate for {code} is not a decimal") from None
    if not rate.is_finite() or rate <= 0 or abs(rate.adjusted()) > 12:
        raise RateFeedMalformed(f"rate for {code} is out of range")
    return rate


class HttpJsonRateSource:
    def __init__(
        self,
        url: str,
        *,
        timeout: float = 5.0,
        refresh_seconds: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._url = url
        self._timeout = timeout
        self._refresh_seconds = refresh_seconds
        self._transport = transport
        self._latest: ReferenceRates | None = None
        self._fetched_at = float("-inf")

    def latest(self) -> ReferenceRates:
        if self._latest is None:
            raise FxRateUnavailable("the rate feed has not answered yet")
        return self._latest

    async def refresh(self, *, force: bool = False) -> None:
        """Fetch unless fetched within ``refresh_seconds``; a failure is logged and the last
        good snapshot kept (it goes stale on its own ``as_of``)."""
        if not force and time.monotonic() - self._fetched_at < self._refresh_seconds:
            return
        self._fetched_at = time.monotonic()
        try:
            async with httpx.AsyncClient(
                timeout=self._timeout, transport=self._transport
            ) as client:
                response = await client.get(self._url, headers={"Accept": "application/json"})
                response.raise_for_status()
            snapshot = parse_rate_feed(response.content)
        except (httpx.HTTPError, RateFeedMalformed) as exc:
            log.warning("fx.rate_feed_failed", url=self._url, error=type(exc).__name__)
            return
        if (
            self._latest is None
            or self._latest.as_of is None
            or (snapshot.as_of is not None and snapshot.as_of >= self._latest.as_of)
        ):
            self._latest = snapshot
