"""The client verifies exactly what onramp signs (webhooks/signing.py) and the Standard
Webhooks library accepts, and nothing else."""

from __future__ import annotations

import time

import pytest
from standardwebhooks import Webhook

from onramp.webhooks.signing import new_secret, signed_headers
from onramp_client import WebhookVerificationError, sign_webhook, verify_webhook

BODY = b'{"type":"onramp.orders.completed.v1","data":{"order_id":"o-1"}}'


def test_a_webhook_onramp_signed_verifies_and_parses() -> None:
    secret, now = new_secret(), int(time.time())
    headers = signed_headers(secret, "msg_1", now, BODY)
    assert verify_webhook(secret, headers, BODY)["data"] == {"order_id": "o-1"}
    # Header names in any case, as frameworks hand them over.
    assert verify_webhook(secret, {k.upper(): v for k, v in headers.items()}, BODY)
    assert sign_webhook(secret, "msg_1", now, BODY) == headers["webhook-signature"]
    # The format's own library agrees with the client's signature.
    Webhook(secret).verify(BODY, headers)


def test_one_of_several_signatures_suffices() -> None:
    secret, now = new_secret(), int(time.time())
    headers = signed_headers(secret, "msg_1", now, BODY)
    headers["webhook-signature"] = f"v1,bm9wZQ== {headers['webhook-signature']}"
    verify_webhook(secret, headers, BODY)


@pytest.mark.parametrize(
    ("change", "body"),
    [
        ({}, BODY.replace(b"o-1", b"o-2")),  # the body changed in transit
        ({"webhook-id": "msg_2"}, BODY),  # another message's signature
        ({"webhook-timestamp": str(int(time.time()) - 600)}, BODY),  # too old: a replay
        ({"webhook-signature": ""}, BODY),  # unsigned
        ({"webhook-timestamp": "soon"}, BODY),
    ],
)
def test_anything_else_is_refused(change: dict[str, str], body: bytes) -> None:
    secret = new_secret()
    headers = signed_headers(secret, "msg_1", int(time.time()), BODY) | change
    with pytest.raises(WebhookVerificationError):
        verify_webhook(secret, headers, body)


def test_another_secret_is_refused() -> None:
    headers = signed_headers(new_secret(), "msg_1", int(time.time()), BODY)
    with pytest.raises(WebhookVerificationError):
        verify_webhook(new_secret(), headers, BODY)
