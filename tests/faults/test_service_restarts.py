"""PostgreSQL and NATS restarted under load, on a stack of the module's own (the session's is
never restarted: other tests use it): customers keep placing and paying orders through the API
meanwhile. No request is answered 500 (a 503 with a stable code, to retry, at most), every order
completes once, and the money checker (``onramp check``) finds every invariant holding.

Runs in ``make faults-ci`` (``ONRAMP_FAULTS=1``), beside the fault simulator."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from web3 import Web3

from onramp.core.clock import utcnow
from onramp.devstack.nats import EmbeddedNats, start_nats
from onramp.devstack.postgres import EmbeddedPostgres, start_postgres
from onramp.devstack.stack import Stack, start_stack
from onramp.runtime.checks import Scope, check_stack
from tests.e2e.conftest import Customer, register

# Many orders of one customer a minute, from one address.
STACK_ENV = {
    "ONRAMP_RATE_LIMITS__ENABLED": "false",
    "ONRAMP_KYC__TIER2_DAILY_EUR": "100000000",
    "ONRAMP_KYC__TIER2_MONTHLY_EUR": "100000000",
}
# What a request may be answered while a service restarts: retried by the client.
RETRY_CODES = {"database_unavailable", "database_busy", "event_bus_unavailable"}
ORDERS = 12  # per test, paid by bank transfer, half before and half during the restart
SENDER_IBAN = "GB33BUKB20201555555555"


@pytest.fixture(scope="module")
def own_stack() -> Iterator[Stack]:
    saved = {name: os.environ.get(name) for name in STACK_ENV}
    os.environ.update(STACK_ENV)  # the stack's processes inherit it
    # Not tmp_path: as root, PostgreSQL runs as its own user (tests/conftest.py's ``infra``).
    state_dir = Path(tempfile.mkdtemp(prefix="onramp-restarts-"))
    try:
        stack = start_stack(state_dir, worker_groups=True)
        try:
            yield stack
        finally:
            stack.stop()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(state_dir, ignore_errors=True)


@dataclass
class Answers:
    """Every answer the API gave the test's customers, by status and code."""

    seen: Counter[str] = field(default_factory=Counter)

    async def send(self, request: Callable[[], Any]) -> httpx.Response:
        """The request, sent again while it is answered 503 with a code meaning "retry"."""
        for _ in range(120):
            try:
                response: httpx.Response = await request()
            except httpx.TransportError as exc:  # the API itself is never restarted here
                self.seen[f"transport {type(exc).__name__}"] += 1
                raise
            if not self.retry(response):
                return response
            await asyncio.sleep(float(response.headers.get("retry-after", "1")))
        raise AssertionError(f"still unavailable after 120 tries: {self.seen}")

    def retry(self, response: httpx.Response) -> bool:
        """Count the answer; whether it says to send the request again."""
        code = response.json().get("code", "") if response.status_code >= 400 else ""
        self.seen[f"{response.status_code} {code}".strip()] += 1
        return response.status_code == 503 and code in RETRY_CODES

    def errors(self) -> dict[str, int]:
        return {
            k: n for k, n in self.seen.items() if k.startswith("5") and k[4:] not in RETRY_CODES
        }


async def place_and_pay(
    customer: Customer, bank: httpx.AsyncClient, answers: Answers, amount: str
) -> str:
    """A quote, the order (one Idempotency-Key across retries), the bank transfer paying it."""
    client = customer.client
    quote = await answers.send(
        lambda: client.post("/v1/quotes", json={"source_currency": "EUR", "source_amount": amount})
    )
    assert quote.status_code == 201, quote.text
    body = {"quote_id": quote.json()["id"], "source_currency": "EUR", "source_amount": amount}
    key = {"Idempotency-Key": uuid.uuid4().hex}
    order = await answers.send(lambda: client.post("/v1/orders", json=body, headers=key))
    assert order.status_code == 201, order.text
    instructions = order.json()["deposit_instructions"]
    transfer = {
        "amount": instructions["amount"],
        "currency": instructions["currency"],
        "reference": instructions["reference"],
        "sender_name": "Test Customer",
        "sender_iban": SENDER_IBAN,
    }
    (await bank.post("/transfers", json=transfer)).raise_for_status()
    order_id: str = order.json()["id"]
    return order_id


async def completed(customer: Customer, answers: Answers, order_id: str) -> None:
    while True:
        response = await answers.send(lambda: customer.client.get(f"/v1/orders/{order_id}"))
        assert response.status_code == 200, response.text
        state = response.json()["state"]
        if state == "completed":
            return
        assert state not in {"failed", "expired", "refunded", "cancelled"}, (order_id, state)
        await asyncio.sleep(0.5)


async def orders_through_a_restart(stack: Stack, restart: Callable[[], None]) -> None:
    """``ORDERS`` orders placed and paid, ``restart`` in the middle of them; then each one
    completed and the money checker's verdict over them."""
    since = utcnow()
    from_block = Web3(Web3.HTTPProvider(stack.anvil.url)).eth.block_number + 1
    answers = Answers()
    assert stack.bank is not None
    async with (
        httpx.AsyncClient(base_url=stack.api_url, timeout=60.0) as first,
        httpx.AsyncClient(base_url=stack.api_url, timeout=60.0) as second,
        httpx.AsyncClient(base_url=stack.bank.url, timeout=60.0) as bank,
    ):
        customers = [await register(first, stack), await register(second, stack)]

        async def order(n: int) -> tuple[Customer, str]:
            customer = customers[n % 2]
            return customer, await place_and_pay(customer, bank, answers, f"{100 + n}.00")

        async def keep_reading(customer: Customer, until: asyncio.Event) -> None:
            """Requests all through the restart, not waiting out Retry-After: some meet it at
            every step (a pooled connection cut, a connect refused, the server starting up)."""
            while not until.is_set():
                answers.retry(await customer.client.get("/v1/orders"))
                await asyncio.sleep(0.02)

        placed = await asyncio.gather(*(order(n) for n in range(ORDERS // 2)))
        restarted = asyncio.Event()
        readers = [asyncio.create_task(keep_reading(c, restarted)) for c in customers * 2]
        during = [asyncio.create_task(order(n)) for n in range(ORDERS // 2, ORDERS)]
        await asyncio.to_thread(restart)
        placed += await asyncio.gather(*during)
        restarted.set()
        await asyncio.gather(*readers)
        await asyncio.wait_for(
            asyncio.gather(*(completed(c, answers, order_id) for c, order_id in placed)),
            timeout=600,
        )
    print(f"\n{restart.__name__}: answers {dict(answers.seen)}")  # noqa: T201 - for the log
    assert not answers.errors(), answers.seen
    scope = Scope(now=utcnow(), grace=timedelta(seconds=120), since=since, from_block=from_block)
    broken = [r.line() for r in await check_stack(stack.settings, scope=scope) if not r.holds]
    assert not broken, "money invariants broken:\n" + "\n".join(broken)


async def test_postgres_restarted_under_orders(own_stack: Stack) -> None:
    def restart_postgres() -> None:
        server = own_stack.postgres
        assert isinstance(server, EmbeddedPostgres)
        server.stop()  # fast shutdown: open transactions rolled back, connections cut
        own_stack.postgres = start_postgres(own_stack.state_dir, port=server.port)

    await orders_through_a_restart(own_stack, restart_postgres)


async def test_nats_restarted_under_orders(own_stack: Stack) -> None:
    def restart_nats() -> None:
        server = own_stack.nats
        assert isinstance(server, EmbeddedNats)
        server.stop()
        # The same port and JetStream store: the stream and the durable consumers survive.
        own_stack.nats = start_nats(own_stack.state_dir, port=server.port)

    await orders_through_a_restart(own_stack, restart_nats)
