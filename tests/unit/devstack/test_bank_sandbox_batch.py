"""The bank sandbox's batch booking: many transfers in one request, notified in batched webhooks
the operator's adapter reads back entry by entry, or not notified at all (camt.054 only)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest_asyncio

from onramp.banking.adapters.sandbox import SandboxBankAdapter
from onramp.devstack.bank_sandbox import SIGNATURE_HEADER, RetryPolicy, create_app
from tests.unit.devstack.test_bank_sandbox_app import ACCOUNT, SECRET, Hooks, transfer

FAST = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02)


@pytest_asyncio.fixture
async def bank() -> AsyncIterator[tuple[httpx.AsyncClient, Hooks]]:
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
            yield c, hooks


def transfers(n: int) -> list[dict[str, Any]]:
    return [transfer(amount=f"{10 + i}.00", reference=f"ref {i}") for i in range(n)]


async def test_a_batch_is_notified_in_webhooks_of_the_asked_size(
    bank: tuple[httpx.AsyncClient, Hooks],
) -> None:
    client, hooks = bank
    response = await client.post(
        "/transfers/batch", json={"transfers": transfers(7), "webhook_batch_size": 3}
    )
    assert response.status_code == 202
    booked = response.json()
    assert booked["events"] == 3
    assert [e["amount"] for e in booked["entries"]] == [f"{10 + i}.00" for i in range(7)]

    await hooks.wait_for(lambda rs: len(rs) >= 3)
    adapter = SandboxBankAdapter(secret=SECRET, tolerance_seconds=300)
    notified: list[str] = []
    for request in hooks.received:
        headers = {SIGNATURE_HEADER.lower(): request.headers[SIGNATURE_HEADER]}
        notice = adapter.parse_webhook(headers, request.content, now=datetime.now(UTC))
        assert len(notice.credits) in (1, 3)
        notified += [c.entry_id for c in notice.credits]
    assert sorted(notified) == sorted(e["id"] for e in booked["entries"])


async def test_a_batch_size_of_one_sends_the_single_events(
    bank: tuple[httpx.AsyncClient, Hooks],
) -> None:
    client, hooks = bank
    booked = (
        await client.post(
            "/transfers/batch", json={"transfers": transfers(2), "webhook_batch_size": 1}
        )
    ).json()
    await hooks.wait_for(lambda rs: len(rs) >= 2)
    bodies = [json.loads(r.content) for r in hooks.received]
    assert {b["type"] for b in bodies} == {"credit_transfer.booked"}
    assert {b["id"] for b in bodies} == {e["event_id"] for e in booked["entries"]}


async def test_notify_none_books_without_a_webhook_and_the_camt054_carries_them(
    bank: tuple[httpx.AsyncClient, Hooks],
) -> None:
    client, hooks = bank
    booked = (
        await client.post("/transfers/batch", json={"transfers": transfers(4), "notify": "none"})
    ).json()
    assert booked["events"] == 0
    camt = (await client.get("/notifications/camt.054", params={"currency": "EUR"})).text
    assert all(e["id"] in camt for e in booked["entries"])
    assert hooks.received == []


async def test_one_bad_transfer_books_none_of_the_batch(
    bank: tuple[httpx.AsyncClient, Hooks],
) -> None:
    client, _ = bank
    bad = [*transfers(2), transfer(amount="1.001")]
    response = await client.post("/transfers/batch", json={"transfers": bad})
    assert response.status_code == 422
    assert (await client.get("/account")).json()["balances"] == {}


async def test_batches_are_bounded(bank: tuple[httpx.AsyncClient, Hooks]) -> None:
    client, _ = bank
    too_many = await client.post("/transfers/batch", json={"transfers": transfers(1001)})
    too_wide = await client.post(
        "/transfers/batch", json={"transfers": transfers(1), "webhook_batch_size": 501}
    )
    empty = await client.post("/transfers/batch", json={"transfers": []})
    assert (too_many.status_code, too_wide.status_code, empty.status_code) == (422, 422, 422)
