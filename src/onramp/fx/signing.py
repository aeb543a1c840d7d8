"""Signed quotes: an HMAC-SHA256 over a canonical serialisation of every priced field.

The canonical form is the JSON object of the fields below, keys sorted, no whitespace, every
value a string (amounts in minor units, rates as plain decimals without exponent or trailing
zeros, times in UTC to the microsecond with ``Z``), prefixed by the scheme version ``v1``. A
quote whose stored terms no longer match their signature, or an order that presents another
signature, is refused (``quote_signature_invalid``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

SCHEME = "v1"


@dataclass(frozen=True)
class QuoteTerms:
    id: uuid.UUID
    customer_id: uuid.UUID
    tier: int | None
    side: str
    source_currency: str
    source_amount: int
    target_currency: str
    target_amount: int
    fee_amount: int
    mid_rate: Decimal
    rate: Decimal
    spread_bps: int
    rates_day: str
    created_at: datetime
    expires_at: datetime


def _decimal(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(terms: QuoteTerms) -> bytes:
    fields = {
        "id": str(terms.id),
        "customer_id": str(terms.customer_id),
        "tier": "" if terms.tier is None else str(terms.tier),
        "side": terms.side,
        "source_currency": terms.source_currency,
        "source_amount": str(terms.source_amount),
        "target_currency": terms.target_currency,
        "target_amount": str(terms.target_amount),
        "fee_amount": str(terms.fee_amount),
        "mid_rate": _decimal(terms.mid_rate),
        "rate": _decimal(terms.rate),
        "spread_bps": str(terms.spread_bps),
        "rates_day": terms.rates_day,
        "created_at": _time(terms.created_at),
        "expires_at": _time(terms.expires_at),
    }
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return f"{SCHEME}.{body}".encode()


def sign(terms: QuoteTerms, key: bytes) -> str:
    return f"{SCHEME}:" + hmac.new(key, canonical(terms), hashlib.sha256).hexdigest()


def verify(terms: QuoteTerms, key: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(terms, key), signature)
