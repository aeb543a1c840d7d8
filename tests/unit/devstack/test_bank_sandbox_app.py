"""The bank sandbox app in-process: ASGI in, a mock transport for the webhooks out."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio

from onramp.devstack.bank_sandbox import (
    DELAY_WEBHOOK_SENDER,
    EVENT_TYPE,
    PROBLEM_JSON,
    SIGNATURE_HEADER,
    RetryPolicy,
    SandboxProblem,
    backoff_delay,
    create_app,
    parse_amount,
    sign_payload,
)

SECRET = b"whsec_unit"
ACCOUNT = "DE89370400440532013000"
FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05, delay_webhook_seconds=0.3)


def transfer(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "amount": "1000.00",
        "currency": "EUR",
        "reference": "RF18 5390 0754 7034",
        "sender_name": "Ada Lovelace",
        "sender_iban": "DE02 1203 0000 0000 2020 51",
    }
    body.update(overrides)
    return body


# --- pure functions -----------------------------------------------------------------------------


def test_sign_payload_is_hmac_sha256_over_timestamp_dot_body() -> None:
    body = b'{"id":"evt_1"}'
    expected = hmac.new(SECRET, b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign_payload(SECRET, 1_700_000_000, body) == f"t=1700000000,v1={expected}"


def test_sign_payload_depends_on_every_input() -> None:
    base = sign_payload(SECRET, 1, b"x")
    assert sign_payload(b"other", 1, b"x") != base
    assert sign_payload(SECRET, 2, b"x") != base
    assert sign_payload(SECRET, 1, b"y") != base


def test_backoff_doubles_from_200ms_and_caps_at_5s() -> None:
    delays = [backoff_delay(n) for n in range(1, 9)]
    assert delays == [0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0]
    assert backoff_delay(10_000) == 5.0
    with pytest.raises(ValueError, match="start at 1"):
        backoff_delay(0)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1000.00", "EUR", Decimal("1000.00")),
        ("1000.5", "EUR", Decimal("1000.50")),
        ("7", "USD", Decimal("7.00")),
        ("0.01", "GBP", Decimal("0.01")),
        ("12.34", "CHF", Decimal("12.34")),
        ("5000", "JPY", Decimal("5000")),
        ("999999999999999.99", "EUR", Decimal("999999999999999.99")),
    ],
)
def test_parse_amount_accepts_and_normalises(amount: str, currency: str, expected: Decimal) -> None:
    parsed = parse_amount(amount, currency)
    assert parsed == expected
    assert str(parsed) == str(expected)


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [
        ("1.001", "EUR", "invalid_amount"),
        ("0", "EUR", "invalid_amount"),
        ("0.00", "EUR", "invalid_amount"),
        ("-1.00", "EUR", "invalid_amount"),
        ("+1.00", "EUR", "invalid_amount"),
        ("01.00", "EUR", "invalid_amount"),
        (".50", "EUR", "invalid_amount"),
        ("1.", "EUR", "invalid_amount"),
        ("1e3", "EUR", "invalid_amount"),
        (" 1.00", "EUR", "invalid_amount"),
        ("1,00", "EUR", "invalid_amount"),
        ("NaN", "EUR", "invalid_amount"),
        ("1000000000000000", "EUR", "invalid_amount"),
        ("1.5", "JPY", "invalid_amount"),
        ("1.00", "eur", "invalid_currency"),
        ("1.00", "EURO", "invalid_currency"),
        ("1.00", "XXX", "unsupported_currency"),
    ],
)
def test_parse_amount_rejects(amount: str, currency: str, code: str) -> None:
    with pytest.raises(SandboxProblem) as caught:
        parse_amount(amount, currency)
    assert caught.value.code == code
    assert caught.value.status == 422


# --- the app ------------------------------------------------------------------------------------


@dataclass
class Hooks:
    """Webhook receiver behind httpx.MockTransport: answers from ``statuses`` then 200."""

    statuses: list[int] = field(default_factory=list)
    received: list[httpx.Request] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request)
        self.arrived.set()
        status = self.statuses.pop(0) if self.statuses else 200
        return httpx.Response(status)

    async def wait_for(self, predicate: Callable[[list[httpx.Request]], bool]) -> None:
        deadline = time.monotonic() + 5
        while not predicate(self.received):
            assert time.monotonic() < deadline, f"timed out; received {len(self.received)}"
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), 0.1)
            except TimeoutError:
                pass


@dataclass
class Sandbox:
    client: httpx.AsyncClient
    hooks: Hooks


@pytest_asyncio.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    hooks = Hooks()
    app = create_app(
        webhook_url="http://operator.test/webhooks/bank",
        webhook_secret=SECRET,
        account_iban=ACCOUNT,
        retry=FAST,
        transport=httpx.MockTransport(hooks.handler),
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbank.test") as c:
            yield Sandbox(client=c, hooks=hooks)


def events_for(requests: list[httpx.Request], entry_id: str) -> list[httpx.Request]:
    return [r for r in requests if json.loads(r.content)["data"]["entry_id"] == entry_id]


async def test_booking_answers_202_with_the_entry(sandbox: Sandbox) -> None:
    response = await sandbox.client.post("/transfers", json=transfer(amount="250.5"))
    assert response.status_code == 202
    entry = response.json()
    assert entry["id"].startswith("sbx_")
    assert entry["status"] == "booked"
    assert entry["amount"] == "250.50"
    assert entry["currency"] == "EUR"
    assert entry["reference"] == "RF18 5390 0754 7034"
    assert entry["sender_name"] == "Ada Lovelace"
    assert entry["sender_iban"] == "DE02 1203 0000 0000 2020 51"
    assert entry["account_iban"] == ACCOUNT
    assert entry["booked_at"].endswith("Z")


async def test_webhook_is_signed_and_carries_the_entry(sandbox: Sandbox) -> None:
    entry = (await sandbox.client.post("/transfers", json=transfer())).json()
    await sandbox.hooks.wait_for(lambda rs: bool(events_for(rs, entry["id"])))
    request = events_for(sandbox.hooks.received, entry["id"])[0]

    assert str(request.url) == "http://operator.test/webhooks/bank"
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/json"
    header = request.headers[SIGNATURE_HEADER]
    parts = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(parts["t"])
    assert abs(time.time() - timestamp) < 5
    assert header == sign_payload(SECRET, timestamp, request.content)

    event = json.loads(request.content)
    assert event["id"].startswith("evt_")
    assert event["type"] == EVENT_TYPE
    assert event["data"] == {
        "entry_id": entry["id"],
        "amount": "1000.00",
        "currency": "EUR",
        "reference": "RF18 5390 0754 7034",
        "sender_name": "Ada Lovelace",
        "sender_iban": "DE02 1203 0000 0000 2020 51",
        "account_iban": ACCOUNT,
        "booked_at": entry["booked_at"],
        "end_to_end_id": entry["end_to_end_id"],
    }


async def test_failed_deliveries_are_retried_with_the_same_event(sandbox: Sandbox) -> None:
    sandbox.hooks.statuses = [500, 503]
    entry = (await sandbox.client.post("/transfers", json=transfer())).json()
    await sandbox.hooks.wait_for(lambda rs: len(events_for(rs, entry["id"])) == 3)
    await asyncio.sleep(0.1)  # a 4th attempt would have come by now

    requests = events_for(sandbox.hooks.received, entry["id"])
    assert len(requests) == 3
    assert len({r.content for r in requests}) == 1
    view = (await sandbox.client.get(f"/transfers/{entry['id']}")).json()
    assert [(d["attempt"], d["status_code"], d["error"]) for d in view["deliveries"]] == [
        (1, 500, None),
        (2, 503, None),
        (3, 200, None),
    ]


async def test_gives_up_after_max_attempts(sandbox: Sandbox) -> None:
    sandbox.hooks.statuses = [500] * 10
    entry = (await sandbox.client.post("/transfers", json=transfer())).json()
    await sandbox.hooks.wait_for(lambda rs: len(events_for(rs, entry["id"])) == FAST.max_attempts)
    await asyncio.sleep(0.15)
    assert len(events_for(sandbox.hooks.received, entry["id"])) == FAST.max_attempts


async def test_connection_errors_are_recorded_and_retried() -> None:
    calls = 0

    def flaky(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(204)

    app = create_app(
        webhook_url="http://operator.test/hook",
        webhook_secret=SECRET,
        account_iban=ACCOUNT,
        retry=FAST,
        transport=httpx.MockTransport(flaky),
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s.test") as c,
    ):
        entry = (await c.post("/transfers", json=transfer())).json()
        deadline = time.monotonic() + 5
        while calls < 2:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        deliveries = (await c.get(f"/transfers/{entry['id']}")).json()["deliveries"]
    assert deliveries[0]["status_code"] is None
    assert deliveries[0]["error"].startswith("ConnectError")
    assert deliveries[1]["status_code"] == 204
    assert len(deliveries) == 2


async def test_redeliver_sends_the_same_event_again(sandbox: Sandbox) -> None:
    entry = (await sandbox.client.post("/transfers", json=transfer())).json()
    await sandbox.hooks.wait_for(lambda rs: len(events_for(rs, entry["id"])) == 1)

    response = await sandbox.client.post(f"/transfers/{entry['id']}/redeliver")
    assert response.status_code == 202
    await sandbox.hooks.wait_for(lambda rs: len(events_for(rs, entry["id"])) == 2)

    first, second = events_for(sandbox.hooks.received, entry["id"])
    assert first.content == second.content
    assert json.loads(second.content)["id"] == response.json()["event_id"]
    view = (await sandbox.client.get(f"/transfers/{entry['id']}")).json()
    assert [d["attempt"] for d in view["deliveries"]] == [1, 2]


async def test_delay_webhook_magic_value_delays_the_first_delivery(sandbox: Sandbox) -> None:
    started = time.monotonic()
    entry = (
        await sandbox.client.post("/transfers", json=transfer(sender_name=DELAY_WEBHOOK_SENDER))
    ).json()
    await asyncio.sleep(0.1)
    assert events_for(sandbox.hooks.received, entry["id"]) == []
    await sandbox.hooks.wait_for(lambda rs: bool(events_for(rs, entry["id"])))
    assert time.monotonic() - started >= FAST.delay_webhook_seconds


async def test_account_sums_booked_transfers_per_currency(sandbox: Sandbox) -> None:
    await sandbox.client.post("/transfers", json=transfer(amount="10.10"))
    await sandbox.client.post("/transfers", json=transfer(amount="0.90"))
    await sandbox.client.post("/transfers", json=transfer(amount="500", currency="JPY"))
    account = (await sandbox.client.get("/account")).json()
    assert account == {"iban": ACCOUNT, "balances": {"EUR": "11.00", "JPY": "500"}}


async def test_healthz(sandbox: Sandbox) -> None:
    response = await sandbox.client.get("/healthz")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (transfer(amount="1.001"), "invalid_amount"),
        (transfer(amount="-5.00"), "invalid_amount"),
        (transfer(amount="100", currency="JPY") | {"amount": "100.5"}, "invalid_amount"),
        (transfer(currency="eu"), "invalid_currency"),
        (transfer(currency="XAU"), "unsupported_currency"),
        (transfer(amount=1000.0), "invalid_request"),
        (transfer(reference=""), "invalid_request"),
        (transfer(sender_iban="not an iban"), "invalid_request"),
        (transfer(extra="field"), "invalid_request"),
        ({"amount": "1.00"}, "invalid_request"),
    ],
)
async def test_bad_input_is_422_problem_json(
    sandbox: Sandbox, body: dict[str, Any], code: str
) -> None:
    response = await sandbox.client.post("/transfers", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert set(problem) == {"type", "title", "status", "detail", "code"}
    assert problem["status"] == 422
    assert problem["code"] == code
    assert sandbox.hooks.received == []


async def test_malformed_json_is_422_problem_json(sandbox: Sandbox) -> None:
    response = await sandbox.client.post(
        "/transfers", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == "invalid_request"


async def test_unknown_transfer_is_404_problem_json(sandbox: Sandbox) -> None:
    for response in (
        await sandbox.client.get("/transfers/sbx_missing"),
        await sandbox.client.post("/transfers/sbx_missing/redeliver"),
    ):
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["code"] == "not_found"
