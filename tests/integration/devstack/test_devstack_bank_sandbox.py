"""The bank sandbox as its own process, delivering webhooks to a receiver in the test's loop."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import pytest_asyncio

from onramp.devstack.bank_sandbox import (
    DELAY_WEBHOOK_SENDER,
    PROBLEM_JSON,
    SIGNATURE_HEADER,
    BankSandbox,
    sign_payload,
    start_bank_sandbox,
)

pytestmark = pytest.mark.integration

SECRET = "whsec_integration"
ACCOUNT = "DE89370400440532013000"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Receiver:
    """A minimal HTTP/1.1 server: answers each POST with the next of ``statuses``, then 200."""

    statuses: dict[str, list[int]] = field(default_factory=dict)  # by sender_name
    received: list[Received] = field(default_factory=list)
    port: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            record = Received(headers=headers, body=body, at=time.monotonic())
            self.received.append(record)
            queue = self.statuses.get(record.event["data"]["sender_name"], [])
            status = queue.pop(0) if queue else 200
            writer.write(
                f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def for_entry(self, entry_id: str) -> list[Received]:
        return [r for r in self.received if r.event["data"]["entry_id"] == entry_id]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, "webhook(s) did not arrive in time"
            await asyncio.sleep(0.02)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
    receiver.port = server.sockets[0].getsockname()[1]
    async with server:
        yield receiver


@pytest.fixture(scope="module")
def sandbox(receiver: Receiver, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BankSandbox]:
    sandbox = start_bank_sandbox(
        tmp_path_factory.mktemp("sandbank"),
        webhook_url=f"http://127.0.0.1:{receiver.port}/webhooks/bank",
        webhook_secret=SECRET,
        account_iban=ACCOUNT,
    )
    yield sandbox
    sandbox.stop()
    assert not sandbox.process.alive()


@pytest_asyncio.fixture(loop_scope="session")
async def client(sandbox: BankSandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=5) as c:
        yield c


def transfer(sender_name: str) -> dict[str, str]:
    return {
        "amount": "1000.00",
        "currency": "EUR",
        "reference": "RF18 5390 0754 7034",
        "sender_name": sender_name,
        "sender_iban": "DE02120300000000202051",
    }


def verify(record: Received) -> None:
    header = record.headers[SIGNATURE_HEADER.lower()]
    timestamp = int(dict(p.split("=", 1) for p in header.split(","))["t"])
    assert abs(time.time() - timestamp) < 30
    assert header == sign_payload(SECRET.encode(), timestamp, record.body)
    assert sign_payload(b"wrong secret", timestamp, record.body) != header


async def test_retries_until_acknowledged_then_redelivers_same_event(
    receiver: Receiver, client: httpx.AsyncClient
) -> None:
    receiver.statuses["Retry Me"] = [500, 500]
    response = await client.post("/transfers", json=transfer("Retry Me"))
    assert response.status_code == 202
    entry = response.json()

    await receiver.wait_for(lambda: len(receiver.for_entry(entry["id"])) == 3)
    deliveries = receiver.for_entry(entry["id"])
    for record in deliveries:
        verify(record)
        assert record.headers["content-type"] == "application/json"
    assert len({r.body for r in deliveries}) == 1  # same event, same bytes
    event = deliveries[0].event
    assert event["id"].startswith("evt_")
    assert event["type"] == "credit_transfer.booked"
    assert event["data"]["entry_id"] == entry["id"]
    assert event["data"]["amount"] == "1000.00"
    assert event["data"]["account_iban"] == ACCOUNT
    gaps = [b.at - a.at for a, b in zip(deliveries, deliveries[1:], strict=False)]
    assert gaps[0] >= 0.15  # 0.2 s backoff
    assert gaps[1] >= 0.3  # 0.4 s backoff

    # The sandbox notes a delivery once the receiver's answer is back: wait for the third.
    for _ in range(100):
        view = (await client.get(f"/transfers/{entry['id']}")).json()
        if len(view["deliveries"]) == 3:
            break
        await asyncio.sleep(0.02)
    assert [(d["attempt"], d["status_code"]) for d in view["deliveries"]] == [
        (1, 500),
        (2, 500),
        (3, 200),
    ]
    assert all(d["error"] is None and d["at"].endswith("Z") for d in view["deliveries"])

    redelivered = await client.post(f"/transfers/{entry['id']}/redeliver")
    assert redelivered.status_code == 202
    await receiver.wait_for(lambda: len(receiver.for_entry(entry["id"])) == 4)
    last = receiver.for_entry(entry["id"])[-1]
    verify(last)
    assert last.event["id"] == event["id"]
    assert last.body == deliveries[0].body


async def test_delay_webhook_magic_value(receiver: Receiver, client: httpx.AsyncClient) -> None:
    booked_at = time.monotonic()
    entry = (await client.post("/transfers", json=transfer(DELAY_WEBHOOK_SENDER))).json()
    await receiver.wait_for(lambda: bool(receiver.for_entry(entry["id"])))
    assert receiver.for_entry(entry["id"])[0].at - booked_at >= 1.9


async def test_bad_input_is_422_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.post("/transfers", json={**transfer("X"), "amount": "12.345"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["code"] == "invalid_amount"
    assert problem["status"] == 422
    assert {"type", "title", "detail"} <= set(problem)


async def test_unknown_transfer_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post("/transfers/sbx_nope/redeliver")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
