"""onramp's webhook signatures verify with the Standard Webhooks reference library, and fail it
when the body, the id, the timestamp or the secret differ."""

from __future__ import annotations

import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from onramp.webhooks.signing import SECRET_PREFIX, new_secret, signed_headers

BODY = b'{"type":"onramp.orders.completed.v1","data":{"order_id":"x"}}'


def test_a_signed_request_verifies_with_the_reference_library() -> None:
    secret = new_secret()
    assert secret.startswith(SECRET_PREFIX)
    headers = signed_headers(secret, "msg_1", int(time.time()), BODY)
    assert Webhook(secret).verify(BODY, headers) == {
        "type": "onramp.orders.completed.v1",
        "data": {"order_id": "x"},
    }


@pytest.mark.parametrize("change", ["body", "id", "timestamp", "secret"])
def test_any_change_fails_verification(change: str) -> None:
    secret, now = new_secret(), int(time.time())
    headers = signed_headers(secret, "msg_1", now, BODY)
    body = BODY
    if change == "body":
        body = BODY.replace(b"x", b"y")
    elif change == "id":
        headers["webhook-id"] = "msg_2"
    elif change == "timestamp":
        headers["webhook-timestamp"] = str(now - 1)
    else:
        secret = new_secret()
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)


def test_two_secrets_differ() -> None:
    assert new_secret() != new_secret()
