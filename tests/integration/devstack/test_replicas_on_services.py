"""The money path on the machine's own PostgreSQL and NATS (``onramp dev --services``) with
two replicas of every worker group and two API processes, as a cluster runs it: orders come in
through both APIs; then one replica of each group and one API are SIGKILLed mid-run (and left
dead, so the survivors must carry the work: the payout writer's standby takes the hot wallet's
lease); requests the killed API was answering are sent again to the other with the same
Idempotency-Key. Every order completes exactly once, no payout event is doubled, the trial
balance is zero and every invariant of the money checker holds."""

from __future__ import annotations

import asyncio
import sys
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from tests.e2e.conftest import pay, register, wait_for_order
from tests.integration.devstack import machine_services

from onramp.core.clock import utcnow
from onramp.core.settings import Settings
from onramp.devstack.process import free_port
from onramp.devstack.stack import Stack, start_stack, wait_ready
from onramp.runtime.checks import Scope, check_stack
from onramp.runtime.workers import GROUPS

pytestmark = pytest.mark.integration

database, stream = machine_services.database, machine_services.stream
FAST_LEASES = {"ONRAMP_WORKER__LEASE_SECONDS": "3"}  # a killed writer's lease lapses soon


@dataclass(frozen=True)
class Replicated:
    stack: Stack
    second_api_url: str


def _replicated(state_dir: Path, database: str, stream: dict[str, str]) -> Replicated:
    settings = Settings(database={"url": database}, nats=stream)
    stack = start_stack(state_dir, services=settings, worker_groups=True)
    for group, workers in GROUPS.items():  # the first replicas run with the shorter lease too
        stack.spawn_group(group, workers, FAST_LEASES, supervised=True)
        stack.spawn_group(group, workers, FAST_LEASES, supervised=True, replica=2)
    port = free_port()
    stack.spawn_app(
        "api-2", [sys.executable, "-m", "onramp", "api", "--port", str(port)], supervised=True
    )
    wait_ready(f"http://127.0.0.1:{port}", stack)
    return Replicated(stack, f"http://127.0.0.1:{port}")


async def _leases(database: str) -> dict[str, tuple[int, int]]:
    """Each single writer's lease: the pid holding it and its fencing token."""
    conn = await asyncpg.connect(database)
    try:
        rows = await conn.fetch("SELECT name, holder, token FROM writer_leases")
    finally:
        await conn.close()
    return {r["name"]: (int(r["holder"].split(":")[1]), r["token"]) for r in rows}


def _victims(stack: Stack, holders: set[int]) -> list[str]:
    """Per group, the replica holding a writer's lease (else the first), and the second API."""
    victims = []
    for group in GROUPS:
        replicas = [f"workers-{group}", f"workers-{group}-2"]
        holding = [name for name in replicas if stack.apps[name].pid in holders]
        victims.append((holding or replicas)[0])
    return [*victims, "api-2"]


async def _order(apis: list[httpx.AsyncClient], amount: str) -> dict[str, Any]:
    """Quote and order through the first API that answers, the order under one key: what a
    client behind a load balancer does when the process it reached dies."""
    key = str(uuid.uuid4())
    for attempt in range(20):
        api = apis[attempt % len(apis)]
        try:
            quote = await api.post(
                "/v1/quotes",
                json={"source_currency": "EUR", "source_amount": amount, "target_currency": "USDC"},
            )
            assert quote.status_code == 201, quote.text
            order = await api.post(
                "/v1/orders",
                json={"quote_id": quote.json()["id"], "source_currency": "EUR",
                      "source_amount": amount},
                headers={"Idempotency-Key": key},
            )  # fmt: skip
        except httpx.TransportError:
            await asyncio.sleep(0.2)
            continue
        assert order.status_code in (200, 201), order.text
        body: dict[str, Any] = order.json()
        return body
    raise AssertionError("no API answered")


async def _place_and_pay(
    apis: list[httpx.AsyncClient], bank: httpx.AsyncClient, amounts: list[str]
) -> list[str]:
    orders = await asyncio.gather(*(_order(apis, amount) for amount in amounts))
    for order in orders:
        await pay(bank, order)
    return [order["id"] for order in orders]


async def test_replicas_killed_mid_run_lose_and_double_nothing(
    database: str, stream: dict[str, str], state_dir: Path
) -> None:
    running = await asyncio.to_thread(_replicated, state_dir, database, stream)
    stack = running.stack
    try:
        assert stack.bank is not None
        since = utcnow()
        async with (
            httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as first,
            httpx.AsyncClient(base_url=running.second_api_url, timeout=10.0) as second,
            httpx.AsyncClient(base_url=stack.bank.url, timeout=10.0) as bank,
        ):
            await register(first, stack)
            second.headers["Authorization"] = first.headers["Authorization"]
            before = await _place_and_pay([second, first], bank, ["21.01", "21.02", "21.03"])
            # Mid-run: one replica of each group and the second API, with requests in flight.
            during = asyncio.create_task(
                _place_and_pay([second, first], bank, ["21.04", "21.05", "21.06"])
            )
            await asyncio.sleep(0.3)
            leases = await _leases(database)
            victims = _victims(stack, {pid for pid, _ in leases.values()})
            for name in victims:
                process = stack.apps[name]
                process.supervised = False  # left dead: the other replica carries on
                process.kill()
            after = await during
            later = await _place_and_pay([first], bank, ["21.07", "21.08"])
            ids = before + after + later
            for order_id in ids:
                await wait_for_order(first, order_id, "completed", timeout=120.0)
            listed = (await first.get("/v1/orders", params={"limit": 100})).json()["data"]
            assert sorted(o["id"] for o in listed) == sorted(ids)  # one order per key
        found = await check_stack(
            stack.settings, scope=Scope(now=utcnow(), grace=timedelta(0), since=since)
        )
        assert [r.line() for r in found if not r.holds] == []
        # The killed writers' leases moved to a survivor, under a higher fencing token.
        killed = {stack.apps[name].pid for name in victims}
        taken_over = {name for name, (pid, _) in leases.items() if pid in killed}
        assert any(name.startswith("payout-writer:") for name in taken_over), leases
        now = await _leases(database)
        for name in taken_over:
            assert now[name][0] not in killed, name
            assert now[name][1] > leases[name][1], name
    finally:
        await asyncio.to_thread(stack.stop)
