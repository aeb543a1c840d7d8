"""The sandboxes' failure injection (sandbox_kit/faults.py): seeded draws that replay, the
``/_faults`` control endpoint every sandbox has, 5xx and hung answers, and webhooks sent twice,
late and after the event that follows them."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from onramp.devstack import bank_sandbox, kyc_sandbox
from onramp.devstack.issuer_sandbox import create_app as issuer_app
from onramp.devstack.issuer_sandbox_state import Timing
from onramp.devstack.sandbox_kit import (
    BackgroundWork,
    DeliveryPolicy,
    FaultInjector,
    FaultSettings,
    WebhookEvent,
    WebhookSender,
)
from onramp.devstack.sandbox_kit.faults import faults_from_env
from tests.unit.treasury.test_issuer_adapter import FakeToken

SECRET = b"whsec_faults_unit"
ACCOUNT = "DE89370400440532013000"


def transfer(reference: str) -> dict[str, Any]:
    return {
        "amount": "10.00",
        "currency": "EUR",
        "reference": reference,
        "sender_name": "Ada Lovelace",
        "sender_iban": "DE02120300000000202051",
    }


def payment(key: str) -> tuple[dict[str, Any], dict[str, str]]:
    body = {
        "amount": "1.00",
        "currency": "EUR",
        "creditor_name": "Ada Lovelace",
        "creditor_account": "DE02120300000000202051",
        "reference": "refund",
    }
    return body, {"Idempotency-Key": key}


# --- the draws ----------------------------------------------------------------------------------


def draws(settings: FaultSettings, n: int = 200) -> list[object]:
    faults = FaultInjector(settings)
    return [(faults.for_request("/payments"), faults.for_webhook()) for _ in range(n)]


def test_the_same_seed_draws_the_same_faults_and_another_seed_others() -> None:
    settings = FaultSettings(
        seed=7, error_rate=0.3, hang_rate=0.1, duplicate_rate=0.3, delay_rate=0.3, reorder_rate=0.2
    )
    assert draws(settings) == draws(settings)
    assert draws(settings) != draws(settings.model_copy(update={"seed": 8}))


def test_rates_are_kept_roughly_and_nothing_is_drawn_when_off() -> None:
    faults = FaultInjector(FaultSettings(seed=1, error_rate=0.25, duplicate_rate=0.5))
    for _ in range(2000):
        faults.for_request("/payments")
        faults.for_webhook()
    assert 400 < faults.done["errors"] < 600
    assert 850 < faults.done["duplicated"] < 1150
    off = FaultInjector()
    assert not off.settings.active
    assert off.for_request("/payments") is None
    assert off.for_webhook().delay == 0
    assert off.for_webhook().duplicate_after is None


def test_api_faults_keep_to_their_paths_and_never_touch_the_control_endpoint() -> None:
    faults = FaultInjector(FaultSettings(error_rate=1.0, paths=["/payments"]))
    assert faults.for_request("/payments/pmt_1") is not None
    assert faults.for_request("/transfers") is None
    checks = FaultInjector(FaultSettings(error_rate=1.0, paths=["/applicants/*/checks"]))
    assert checks.for_request("/applicants/app_1/checks") is not None
    assert checks.for_request("/applicants/app_1/documents") is None
    everywhere = FaultInjector(FaultSettings(error_rate=1.0))
    assert everywhere.for_request("/_faults") is None
    assert everywhere.for_request("/healthz") is None


def test_settings_come_from_the_environment_as_json() -> None:
    assert not faults_from_env({}).active
    settings = faults_from_env({"SANDBOX_FAULTS": '{"seed": 3, "duplicate_rate": 0.5}'})
    assert (settings.seed, settings.duplicate_rate) == (3, 0.5)
    with pytest.raises(ValueError, match="less than or equal to 1"):
        faults_from_env({"SANDBOX_FAULTS": '{"error_rate": 2}'})


# --- the three sandboxes' apps ------------------------------------------------------------------


@dataclass
class Hooks:
    received: list[bytes] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request.content)
        return httpx.Response(200)

    def ids(self) -> list[str]:
        return [
            str(json.loads(body).get("id") or json.loads(body)["notificationId"])
            for body in self.received
        ]

    async def until(self, predicate: Callable[[list[str]], bool]) -> None:
        deadline = time.monotonic() + 5
        while not predicate(self.ids()):
            assert time.monotonic() < deadline, f"webhooks so far: {self.ids()}"
            await asyncio.sleep(0.01)


def make_app(kind: str, hooks: Hooks) -> FastAPI:
    transport = httpx.MockTransport(hooks.handler)
    url = "http://operator.test/hooks"
    if kind == "bank":
        return bank_sandbox.create_app(
            webhook_url=url, webhook_secret=SECRET, account_iban=ACCOUNT, transport=transport
        )
    if kind == "kyc":
        return kyc_sandbox.create_app(webhook_url=url, webhook_secret=SECRET, transport=transport)
    return issuer_app(
        token=FakeToken(),
        webhook_url=url,
        webhook_secret=SECRET,
        timing=Timing(wire_seconds=0.01, payout_seconds=0.01, poll_seconds=0.01),
        transport=transport,
    )


@dataclass
class Running:
    client: httpx.AsyncClient
    hooks: Hooks


@pytest.fixture
async def bank() -> AsyncIterator[Running]:
    async with running("bank") as sandbox:
        yield sandbox


class running:  # noqa: N801 - used as a context manager, like a function
    def __init__(self, kind: str) -> None:
        self.hooks = Hooks()
        self.app = make_app(kind, self.hooks)

    async def __aenter__(self) -> Running:
        self._life = self.app.router.lifespan_context(self.app)
        await self._life.__aenter__()
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://sandbox.test"
        )
        return Running(self._client, self.hooks)

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()
        await self._life.__aexit__(None, None, None)


@pytest.mark.parametrize("kind", ["bank", "kyc", "issuer"])
async def test_every_sandbox_switches_faults_on_and_off_at_its_control_endpoint(kind: str) -> None:
    async with running(kind) as sandbox:
        assert (await sandbox.client.get("/_faults")).json()["settings"]["error_rate"] == 0
        on = await sandbox.client.put("/_faults", json={"seed": 1, "error_rate": 1.0})
        assert on.status_code == 200, on.text
        failed = await sandbox.client.get("/no-such-resource")
        assert failed.status_code in (500, 503)
        assert failed.json()["code"] == "unavailable"
        assert (await sandbox.client.get("/healthz")).status_code == 200
        assert (await sandbox.client.get("/_faults")).json()["done"] == {"errors": 1}
        refused = await sandbox.client.put("/_faults", json={"error_rate": 1.5})
        assert refused.status_code in (400, 422)  # the issuer answers as Circle does
        off = await sandbox.client.delete("/_faults")
        assert off.json()["done"] == {}
        assert (await sandbox.client.get("/no-such-resource")).status_code == 404


async def test_an_error_comes_before_the_request_is_done_and_a_hang_after(bank: Running) -> None:
    await bank.client.put(
        "/_faults", json={"error_rate": 1.0, "error_statuses": [503], "paths": ["/payments"]}
    )
    body, headers = payment("refund-1")
    failed = await bank.client.post("/payments", json=body, headers=headers)
    assert failed.status_code == 503
    booked = await bank.client.post("/transfers", json=transfer("not faulted"))
    assert booked.status_code == 202  # another path: the customer's own bank is not faulted
    await bank.client.put("/_faults", json={"hang_rate": 1.0, "hang_seconds": 0.05})
    held = await bank.client.post("/payments", json=body, headers=headers)
    assert held.status_code == 202  # late, but the bank made the payment
    await bank.client.delete("/_faults")
    again = await bank.client.post("/payments", json=body, headers=headers)
    assert again.json()["id"] == held.json()["id"]  # the retry under its key finds it
    listed = await bank.client.get(
        "/payments", params={"creditor_account": body["creditor_account"]}
    )
    assert len(listed.json()["data"]) == 1


async def test_a_duplicated_webhook_is_the_same_event_twice(bank: Running) -> None:
    await bank.client.put("/_faults", json={"duplicate_rate": 1.0})
    entry = (await bank.client.post("/transfers", json=transfer("twice"))).json()
    await bank.hooks.until(lambda ids: len(ids) == 2)
    assert bank.hooks.ids() == [entry["event_id"]] * 2
    assert bank.hooks.received[0] == bank.hooks.received[1]  # byte for byte


async def test_a_held_webhook_arrives_after_the_event_that_follows_it(bank: Running) -> None:
    await bank.client.put("/_faults", json={"reorder_rate": 1.0, "reorder_seconds": 30})
    first = (await bank.client.post("/transfers", json=transfer("first"))).json()
    await bank.client.delete("/_faults")  # the next event goes at once, the held one after it
    second = (await bank.client.post("/transfers", json=transfer("second"))).json()
    await bank.hooks.until(lambda ids: len(ids) == 2)
    assert bank.hooks.ids() == [second["event_id"], first["event_id"]]


async def test_a_held_webhook_nothing_overtakes_goes_after_the_longest_hold(bank: Running) -> None:
    await bank.client.put("/_faults", json={"reorder_rate": 1.0, "reorder_seconds": 0.05})
    entry = (await bank.client.post("/transfers", json=transfer("alone"))).json()
    await bank.hooks.until(lambda ids: ids == [entry["event_id"]])
    assert (await bank.client.get("/_faults")).json()["done"] == {"reordered": 1}


async def test_a_delayed_webhook_waits_between_half_and_all_of_the_delay() -> None:
    sleeps: list[float] = []

    async def no_wait(seconds: float) -> None:
        sleeps.append(seconds)

    background = BackgroundWork()
    sender = WebhookSender(
        url="http://operator.test/hooks",
        secret=SECRET,
        signature_header="Sandkit-Signature",
        policy=DeliveryPolicy(),
        background=background,
        log=logging.getLogger("test.sandbox_faults"),
        transport=httpx.MockTransport(lambda _: httpx.Response(200)),
        sleep=no_wait,
        faults=FaultInjector(FaultSettings(seed=5, delay_rate=1.0, delay_seconds=4.0)),
    )
    event = WebhookEvent("evt_late", b"{}")
    sender.schedule(event, delay=1.0)  # the sandbox's own delay comes on top
    while not event.deliveries:
        await asyncio.sleep(0)
    await background.close()
    await sender.close()
    (waited,) = sleeps
    assert 1.0 + 2.0 <= waited <= 1.0 + 4.0
    assert [d.status_code for d in event.deliveries] == [200]
