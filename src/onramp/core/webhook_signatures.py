"""Timestamped HMAC-SHA256 webhook signatures, ``t=<unix seconds>,v1=<hex>`` (pure).

The MAC covers ``f"{t}."`` followed by the raw body, so neither the body nor the time can be
changed, and a captured request cannot be replayed once ``t`` is older than the tolerance. The
vendors' sandboxes sign this way; each adapter raises its own error (``invalid``).
"""

from __future__ import annotations

import hashlib
import hmac

from onramp.core.errors import OnrampError

_MAX_HEADER = 500


def signature_for(secret: bytes, timestamp: int, body: bytes) -> str:
    return hmac.new(secret, f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()


def verify_signature(
    secret: bytes,
    header: str,
    body: bytes,
    *,
    now: float,
    tolerance_seconds: int,
    invalid: type[OnrampError],
) -> None:
    """Raise ``invalid`` unless ``header`` signs ``body`` recently enough.

    Several ``v1`` values may be present (a vendor rotating its secret sends both); one match
    suffices. The comparison is constant-time.
    """
    if not header or len(header) > _MAX_HEADER or not header.isascii():
        raise invalid()
    stamp, given = "", []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            stamp = value
        elif key == "v1":
            given.append(value)
    if not (stamp.isdigit() and len(stamp) <= 12) or not given:
        raise invalid()
    timestamp = int(stamp)
    if abs(now - timestamp) > tolerance_seconds:
        raise invalid("the signature timestamp is outside the tolerance")
    expected = signature_for(secret, timestamp, body)
    # Compare with every candidate (no early exit) so timing says nothing about which matched.
    matched = False
    for candidate in given:
        matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise invalid()
