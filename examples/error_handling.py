"""Error handling: each failure a customer's software meets, the stable ``code`` it branches on,
and how it recovers. Every error is problem+json, raised by onramp_client as ``ApiError``.

    .venv/bin/python examples/error_handling.py      # against a running `onramp dev`
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from _stack import PASSWORD, identity, say, signed_up, stack, verify_identity
from onramp_client import ApiError, Client, WebhookVerificationError, sign_webhook, verify_webhook


def expect(code: str, attempt: Callable[[], Any]) -> ApiError:
    """Run ``attempt``, which must fail with ``code``; say what the API answered."""
    try:
        attempt()
    except ApiError as error:
        if error.code != code:
            raise
        why = error.problem.get("detail") or error.problem["title"]
        say(f"  {error.status} {error.code}: {why}")
        return error
    raise SystemExit(f"expected {code}, the call succeeded")


def with_retries(attempt: Callable[[], Any], tries: int = 5) -> Any:
    """Retry what may succeed later unchanged (429 throttled, 503 busy), after Retry-After."""
    for left in range(tries - 1, -1, -1):
        try:
            return attempt()
        except ApiError as error:
            if not error.retryable or not left:
                raise
            time.sleep(error.retry_after or 1.0)


def main() -> None:
    where = stack()
    with Client(where["api"]) as api:
        email = signed_up(api, where, name="Ken Thompson")

        say("1. wrong password -> sign in again with the right one")
        expect("invalid_credentials", lambda: api.login(email, "not the password"))
        api.login(email, PASSWORD)

        say("2. too many decimals -> round the amount to the currency's cents")
        expect("amount_too_precise", lambda: api.quote("100.005"))

        say("3. ordering before identity verification -> verify, then order")
        quote = api.quote("100.00")
        expect("kyc_required", lambda: api.create_order(quote))

        say("4. KYC rejected by the vendor -> the customer sees why; support takes it from there")
        kyc = verify_identity(api, identity("REJECT", "Ken"))
        say(f"  case {kyc['case']['status']}: {', '.join(kyc['case']['reasons'])}")

    with Client(where["api"]) as api:
        signed_up(api, where, name="Dennis Ritchie")
        verify_identity(api, identity("Ritchie", "Dennis"))
        quote = api.quote("100.00")
        key = str(uuid.uuid4())
        order = with_retries(lambda: api.create_order(quote, idempotency_key=key))

        say("5. the same Idempotency-Key for another body -> a new key for a new intent")
        other = api.quote("120.00")
        expect("idempotency_key_reused", lambda: api.create_order(other, idempotency_key=key))
        api.create_order(other)

        say("6. a quote backs one order -> ask for a new quote")
        expect("quote_already_used", lambda: api.create_order(quote))
        api.create_order(api.quote("100.00"))

        say("7. an order that is not yours or does not exist -> check the id")
        expect("order_not_found", lambda: api.get(f"/v1/orders/{uuid.uuid4()}"))
        assert api.get(f"/v1/orders/{order['id']}")["id"] == order["id"]

        say("8. a bad request shape -> the `errors` list names each field")
        bad = expect("request_invalid", lambda: api.post("/v1/quotes", {"source_amount": "10"}))
        fields = [".".join(map(str, e["location"])) for e in bad.problem["errors"]]
        say(f"  fields: {', '.join(fields)}")

        say("9. a signed-out token -> sign in again")
        api.post("/v1/auth/logout")
        expect("invalid_token", lambda: api.get("/v1/me"))

    say("10. a webhook that fails verification -> answer 400 and let onramp retry")
    secret = "whsec_" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
    body, now = b'{"type":"onramp.orders.completed.v1"}', int(time.time())
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(now)}
    headers["webhook-signature"] = sign_webhook(secret, "msg_1", now, body)
    verify_webhook(secret, headers, body)
    try:
        verify_webhook(secret, headers, body.replace(b"completed", b"refunded"))
    except WebhookVerificationError as refused:
        say(f"  refused: {refused}")
    say("error handling done")


if __name__ == "__main__":
    main()
