"""The client's pure parts: problem+json as ApiError, the pages of a list, the creates' keys
and the TOTP codes (against pyotp, which onramp verifies with)."""

from __future__ import annotations

import json

import httpx
import pyotp
import pytest

from onramp_client import ApiError, Authenticator, Client, StepsExhausted, totp_code
from onramp_client.calls import answer


def test_a_problem_becomes_an_api_error_with_its_code() -> None:
    problem = {"status": 429, "code": "too_many_requests", "title": "Slow down"}
    response = httpx.Response(
        429, json=problem, headers={"Content-Type": "application/problem+json", "Retry-After": "3"}
    )
    with pytest.raises(ApiError) as caught:
        answer(response)
    assert (caught.value.code, caught.value.retry_after, caught.value.retryable) == (
        "too_many_requests", 3.0, True,
    )  # fmt: skip
    with pytest.raises(ApiError) as bare:
        answer(httpx.Response(502, text="bad gateway"))
    assert bare.value.code == "http_502"
    assert answer(httpx.Response(204)) is None


def test_paginate_follows_next_before_until_the_last_page() -> None:
    pages = {None: (["a", "b"], "b"), "b": (["c", "d"], "d"), "d": (["e"], None)}
    seen: list[dict[str, str]] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.url.params))
        data, after = pages[request.url.params.get("before")]
        return httpx.Response(200, json={"data": [{"id": i} for i in data], "next_before": after})

    with Client("http://onramp.test", transport=httpx.MockTransport(server)) as client:
        items = [item["id"] for item in client.paginate("/v1/orders", {"state": "x"}, limit=2)]
    assert items == ["a", "b", "c", "d", "e"]
    assert seen == [
        {"state": "x", "limit": "2"},
        {"state": "x", "limit": "2", "before": "b"},
        {"state": "x", "limit": "2", "before": "d"},
    ]


def test_every_create_carries_an_idempotency_key_the_caller_may_fix() -> None:
    keys: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["Idempotency-Key"])
        return httpx.Response(201, json=json.loads(request.content))

    with Client("http://onramp.test", transport=httpx.MockTransport(server)) as client:
        quote = {"id": "q", "source_currency": "EUR", "source_amount": "10.00"}
        client.create_order(quote)
        client.create_order(quote)
        client.create_order(quote, idempotency_key="mine")
    assert len(set(keys[:2])) == 2
    assert keys[2] == "mine"


def test_totp_codes_are_the_authenticator_apps() -> None:
    secret = pyotp.random_base32()
    assert totp_code(secret, at=1_700_000_000) == pyotp.TOTP(secret).at(1_700_000_000)


def test_the_authenticator_never_offers_a_step_twice() -> None:
    secret, now = pyotp.random_base32(), 1_700_000_010.0
    authenticator = Authenticator(secret)
    first, second = authenticator.code(at=now), authenticator.code(at=now)
    assert first == pyotp.TOTP(secret).at(now)
    assert second == pyotp.TOTP(secret).at(now + 30)
    with pytest.raises(StepsExhausted) as caught:
        authenticator.code(at=now)
    assert 0 < caught.value.wait_seconds <= 30
    assert authenticator.code(at=now + 30) == pyotp.TOTP(secret).at(now + 60)
