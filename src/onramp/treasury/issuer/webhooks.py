"""Signed issuer notifications: ``Sandmint-Signature: t=<unix seconds>,v1=<hex>``, HMAC-SHA256
over ``f"{t}."`` and the raw body with the shared secret (pure; the adapter parses after).

Circle Mint itself delivers notifications through Amazon SNS, signed with SNS's certificate; a
production adapter verifies that instead and hands the same :class:`IssuerNotice` on.
"""

from __future__ import annotations

from onramp.core import webhook_signatures
from onramp.core.webhook_signatures import signature_for
from onramp.treasury.issuer.errors import InvalidIssuerWebhookSignature

__all__ = ["SIGNATURE_HEADER", "signature_for", "verify_signature"]

SIGNATURE_HEADER = "sandmint-signature"


def verify_signature(
    secret: bytes, header: str, body: bytes, *, now: float, tolerance_seconds: int
) -> None:
    """Raise InvalidIssuerWebhookSignature unless ``header`` signs ``body`` recently enough.
    Several ``v1`` values may be present (a secret being rotated); one match suffices."""
    if not secret:
        raise InvalidIssuerWebhookSignature("no issuer webhook secret is configured")
    webhook_signatures.verify_signature(
        secret,
        header,
        body,
        now=now,
        tolerance_seconds=tolerance_seconds,
        invalid=InvalidIssuerWebhookSignature,
    )
