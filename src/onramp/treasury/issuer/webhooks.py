"""Signed issuer notifications: ``Sandmint-Signature: t=<unix seconds>,v1=<hex>``, HMAC-SHA256
over ``f"{t}."`` and the raw body with the shared secret (pure; the adapter parses after).

Circle Mint itself delivers notifications through Amazon SNS, signed with SNS's certificate; a
production adapter verifies that instead and hands the same :class:`IssuerNotice` on.
"""

from __future__ import annotations

import hashlib
import hmac

from onramp.treasury.issuer.errors import InvalidIssuerWebhookSignature

SIGNATURE_HEADER = "sandmint-signature"
_MAX_HEADER = 500


def signature_for(secret: bytes, timestamp: int, body: bytes) -> str:
    return hmac.new(secret, f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()


def verify_signature(
    secret: bytes, header: str, body: bytes, *, now: float, tolerance_seconds: int
) -> None:
    """Raise InvalidIssuerWebhookSignature unless ``header`` signs ``body`` recently enough.
    Several ``v1`` values may be present (a secret being rotated); one match suffices."""
    if not secret:
        raise InvalidIssuerWebhookSignature("no issuer webhook secret is configured")
    if not header or len(header) > _MAX_HEADER or not header.isascii():
        raise InvalidIssuerWebhookSignature()
    stamp, given = "", []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            stamp = value
        elif key == "v1":
            given.append(value)
    if not (stamp.isdigit() and len(stamp) <= 12) or not given:
        raise InvalidIssuerWebhookSignature()
    timestamp = int(stamp)
    if abs(now - timestamp) > tolerance_seconds:
        raise InvalidIssuerWebhookSignature("the signature timestamp is outside the tolerance")
    expected = signature_for(secret, timestamp, body)
    matched = False
    for candidate in given:  # no early exit: timing says nothing about which one matched
        matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise InvalidIssuerWebhookSignature()
