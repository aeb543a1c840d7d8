"""Soak: the stack under open load for a while, with random worker restarts and one PostgreSQL
restart half-way; then every order's end and the money's invariants.

    make soak                                   # SOAK_SECONDS=600
    .venv/bin/python bench/soak.py --seconds 180 --rate 5 --kill-every 20

Starts a stack of its own (rate limits and KYC limits lifted, as e2e.py's) and, for
``--seconds``, places orders through the API at ``--rate`` a second (quote + order, the
customers' own requests) and books each order's transfer in the sandbox bank, which notifies
the API by its signed webhook (retried as a bank retries). Every ``--kill-every`` seconds a
random worker process is SIGKILLed (the stack's supervisor starts it again) and once, half-way,
PostgreSQL is stopped and started on its port. Then it waits until no order moves for
``--idle`` seconds and runs the money checker (``onramp check``: trial balance, balances,
treasury against the chain, one Payout event per completed order, deposits accounted for, no
order stuck, the audit chain).

Prints the orders' ends, the restarts, the API's latency, and last
``success: P%, p99 ms: X, invariant violations: V``: P is the share of the API requests
answered 2xx (goal 99.99 %), X their p99 latency.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from e2e_common import SENDER, lift_bench_limits, new_customer, pct
from e2e_open_loop import TERMINAL, wait_settled
from onramp.core.clock import utcnow
from onramp.devstack.postgres import start_postgres
from onramp.devstack.stack import Stack, start_stack
from onramp.runtime.checks import Scope, check_stack


@dataclass
class Requests:
    """Every API request the load made: whether it was answered 2xx, and how long it took."""

    ok: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)

    async def send(self, request: Any) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response: httpx.Response = await request
        except httpx.HTTPError as exc:
            self.failed[type(exc).__name__] += 1
            return None
        self.seconds.append(time.perf_counter() - started)
        if response.is_success:
            self.ok += 1
        else:
            self.failed[f"{response.status_code} {response.json().get('code', '')}"] += 1
        return response

    @property
    def total(self) -> int:
        return self.ok + sum(self.failed.values())


@dataclass
class Load:
    requests: Requests = field(default_factory=Requests)
    orders: list[str] = field(default_factory=list)
    booking_errors: Counter[str] = field(default_factory=Counter)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


async def place_and_pay(
    client: httpx.AsyncClient, bank: httpx.AsyncClient, amount: str, load: Load
) -> None:
    """One customer's order: a quote, the order, then the bank transfer that pays it."""
    q = await load.requests.send(
        client.post("/v1/quotes", json={"source_currency": "EUR", "source_amount": amount})
    )
    if q is None or not q.is_success:
        return
    body = {"quote_id": q.json()["id"], "source_currency": "EUR", "source_amount": amount}
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    o = await load.requests.send(client.post("/v1/orders", json=body, headers=headers))
    if o is None or not o.is_success:
        return
    order = o.json()
    load.orders.append(order["id"])
    ins = order["deposit_instructions"]
    transfer = {
        "amount": ins["amount"],
        "currency": ins["currency"],
        "reference": ins["reference"],
        "sender_name": SENDER,
        "sender_iban": "GB33BUKB20201555555555",
    }
    try:
        (await bank.post("/transfers", json=transfer)).raise_for_status()
    except httpx.HTTPError as exc:
        load.booking_errors[type(exc).__name__] += 1


async def offer_load(
    clients: list[httpx.AsyncClient], bank: httpx.AsyncClient, rate: float, seconds: float
) -> Load:
    """Orders at ``rate`` a second for ``seconds``, open loop: never waiting for the stack."""
    load = Load()
    start, placed = time.perf_counter(), 0
    while (elapsed := time.perf_counter() - start) < seconds:
        for i in range(placed, int(rate * elapsed) + 1):
            amount = f"{100 + i % 400}.00"
            client = clients[i % len(clients)]
            load.tasks.append(asyncio.create_task(place_and_pay(client, bank, amount, load)))
        placed = int(rate * elapsed) + 1
        await asyncio.sleep(0.1)
    await asyncio.gather(*load.tasks)
    return load


def restart_postgres(stack: Stack) -> float:
    """Stop PostgreSQL (fast shutdown: open transactions roll back) and start it again on its
    port; the seconds it was away."""
    started = time.perf_counter()
    port = stack.postgres.port
    stack.postgres.stop()
    stack.postgres = start_postgres(stack.state_dir, port=port)
    return time.perf_counter() - started


async def make_trouble(stack: Stack, seconds: float, kill_every: float, seed: int) -> list[str]:
    """SIGKILL a random worker process every ``kill_every`` seconds and restart PostgreSQL once
    half-way; what was done, in order."""
    rng = random.Random(seed)
    done: list[str] = []
    start = time.perf_counter()
    next_kill, postgres_at = kill_every, seconds / 2
    postgres_restarted = False
    while (elapsed := time.perf_counter() - start) < seconds:
        if elapsed >= next_kill:
            with stack.lock:
                alive = sorted(n for n, p in stack.apps.items() if n != "api" and p.alive())
            name = rng.choice(alive)
            await asyncio.to_thread(stack.apps[name].kill)
            done.append(f"{elapsed:6.1f} s  SIGKILL {name}")
            next_kill += kill_every
        if not postgres_restarted and elapsed >= postgres_at:
            away = await asyncio.to_thread(restart_postgres, stack)
            done.append(f"{elapsed:6.1f} s  PostgreSQL restarted ({away:.1f} s away)")
            postgres_restarted = True
        await asyncio.sleep(0.5)
    return done


async def ends_of(database_url: str, ids: list[str]) -> Counter[str]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT state, count(*) AS n FROM orders WHERE id = ANY($1::uuid[]) GROUP BY state",
            [uuid.UUID(i) for i in ids],
        )
    finally:
        await conn.close()
    return Counter({row["state"]: row["n"] for row in rows})


async def violations(stack: Stack) -> list[str]:
    """The money checker's verdict (``onramp check``): every invariant that does not hold."""
    found = await check_stack(stack.settings, scope=Scope(now=utcnow(), grace=timedelta(0)))
    for invariant in found:
        print(invariant.line())
    return [invariant.name for invariant in found if not invariant.holds]


async def soak(stack: Stack, args: argparse.Namespace) -> int:
    clients = [await new_customer(stack.api_url, stack.mail.url) for _ in range(args.customers)]
    assert stack.bank is not None
    bank = httpx.AsyncClient(base_url=stack.bank.url, timeout=30.0)
    try:
        trouble = asyncio.create_task(make_trouble(stack, args.seconds, args.kill_every, args.seed))
        load = await offer_load(clients, bank, args.rate, args.seconds)
        for line in await trouble:
            print(line)
    finally:
        await bank.aclose()
        for client in clients:
            await client.aclose()
    database_url = stack.postgres.url()
    await wait_settled(database_url, load.orders, idle_timeout=args.idle)
    ends = await ends_of(database_url, load.orders)
    unfinished = len(load.orders) - sum(ends[s] for s in TERMINAL)
    print(
        f"orders placed {len(load.orders)}: {dict(sorted(ends.items()))}, unfinished {unfinished}"
    )
    if load.booking_errors:
        print(f"bank bookings failed: {dict(load.booking_errors)}")
    requests = load.requests
    print(f"API requests {requests.total}: {requests.ok} answered 2xx, {dict(requests.failed)}")
    found = await violations(stack)
    one, five, _ = os.getloadavg()
    print(f"load average at the end: {one:.1f}/{five:.1f} ({os.cpu_count()} cores)")
    share = 100.0 * requests.ok / requests.total if requests.total else float("nan")
    p99 = pct([s * 1000 for s in requests.seconds], 99)
    print(f"success: {share:.2f}%, p99 ms: {p99:.0f}, invariant violations: {len(found)}")
    return 1 if found else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--rate", type=float, default=5.0, help="orders per second")
    parser.add_argument("--customers", type=int, default=10)
    parser.add_argument("--kill-every", type=float, default=30.0)
    parser.add_argument("--idle", type=float, default=90.0, help="stop when nothing moves")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    lift_bench_limits()
    started = time.perf_counter()
    stack = start_stack(Path(tempfile.mkdtemp(prefix="onramp-soak-")))
    print(f"stack started in {time.perf_counter() - started:.0f} s; soaking {args.seconds:g} s")
    try:
        code = asyncio.run(soak(stack, args))
    finally:
        stack.stop()
    raise SystemExit(code)


if __name__ == "__main__":
    main()
