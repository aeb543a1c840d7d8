"""The KYC vendor's webhook signatures: timestamped HMAC-SHA256, ``t=<unix seconds>,v1=<hex>``
(``core.webhook_signatures``), refused as ``InvalidKycWebhookSignature``."""

from __future__ import annotations

from onramp.core import webhook_signatures
from onramp.core.webhook_signatures import signature_for
from onramp.kyc.errors import InvalidKycWebhookSignature

__all__ = ["signature_for", "verify_signature"]


def verify_signature(
    secret: bytes, header: str, body: bytes, *, now: float, tolerance_seconds: int
) -> None:
    webhook_signatures.verify_signature(
        secret,
        header,
        body,
        now=now,
        tolerance_seconds=tolerance_seconds,
        invalid=InvalidKycWebhookSignature,
    )
