"""Verify the webhooks onramp sends: Standard Webhooks signatures (``webhook-id``,
``webhook-timestamp``, ``webhook-signature: v1,<base64 HMAC-SHA256>`` over
``f"{id}.{timestamp}.{body}"``, keyed with the ``whsec_`` secret shown when the endpoint was
created), the same scheme as onramp's ``webhooks/signing.py``."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

from onramp_client.errors import WebhookVerificationError

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
TOLERANCE_SECONDS = 300


def _key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error as exc:
        raise WebhookVerificationError("the secret is not a whsec_ secret") from exc


def sign_webhook(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value onramp sends for these parts (tests, replays)."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    return (
        "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()
    )


def verify_webhook(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
    tolerance_seconds: int = TOLERANCE_SECONDS,
) -> dict[str, Any]:
    """The event (the parsed body) if ``headers`` sign ``body`` with ``secret`` recently enough;
    else :class:`WebhookVerificationError`. Pass the raw body as received, before any parsing.

    Deduplicate on ``headers["webhook-id"]``: a retry or a replay repeats it.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    message_id = lower.get("webhook-id", "")
    stamp = lower.get("webhook-timestamp", "")
    given = lower.get("webhook-signature", "")
    if not message_id or not stamp.isdigit() or not given:
        raise WebhookVerificationError("webhook-id, webhook-timestamp and webhook-signature needed")
    timestamp = int(stamp)
    if abs((time.time() if now is None else now) - timestamp) > tolerance_seconds:
        raise WebhookVerificationError("the timestamp is outside the tolerance (a replay?)")
    expected = sign_webhook(secret, message_id, timestamp, body)
    # A rotating sender may list several signatures, space-separated: one match suffices.
    matched = False
    for candidate in given.split():
        matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise WebhookVerificationError("no signature matches")
    event: dict[str, Any] = json.loads(body)
    return event
