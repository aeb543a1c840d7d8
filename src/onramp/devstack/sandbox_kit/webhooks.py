"""Signed webhook delivery as the vendors' sandboxes do it."""

from __future__ import annotations

import hashlib
import hmac


def sign_payload(secret: bytes, timestamp: int, body: bytes) -> str:
    """The ``Sandbank-Signature`` header value for ``body`` sent at ``timestamp`` (unix seconds)."""
    mac = hmac.new(secret, f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def backoff_delay(attempt: int, *, base: float = 0.2, cap: float = 5.0) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based): 0.2, 0.4, ... <= 5."""
    if attempt < 1:
        raise ValueError("attempt numbers start at 1")
    return float(min(cap, base * 2 ** min(attempt - 1, 32)))
