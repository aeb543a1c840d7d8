"""What both modes of ``e2e.py`` share: percentiles and their printed lines, and bench customers
with a verified email and KYC tier 2, logged in, placing orders; the stack to run against."""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from onramp.core.settings import load_settings, stack_file
from onramp.devstack.mail_sandbox import wait_for_link_token

PASSWORD = "benchmark passphrase 123"  # noqa: S105 - throwaway bench customers
SENDER = "Bench Customer"  # the KYC name on every deposit: not third-party funding


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:<40} p50 {pct(ms, 50):8.1f} ms   p99 {pct(ms, 99):8.1f} ms   "
        f"p99.9 {pct(ms, 99.9):8.1f} ms   max {max(ms) if ms else float('nan'):8.1f} ms"
    )


KYC_TIER_2 = {
    "tier": 2,
    "given_names": "Bench",
    "surname": "Customer",
    "date_of_birth": "1990-01-01",
    "nationality": "DE",
    "address": {
        "line1": "Hauptstrasse 1",
        "city": "Berlin",
        "postal_code": "10115",
        "country": "DE",
    },
    "documents": [
        {"type": "passport", "filename": "passport.png", "content_base64": "aGk="},
        {"type": "proof_of_address", "filename": "bill.pdf"},
    ],
}


async def verify_identity(client: httpx.AsyncClient) -> None:
    """Tier 2 through the stack's KYC sandbox (its signed webhook approves it)."""
    r = await client.post("/v1/me/kyc", json=KYC_TIER_2)
    r.raise_for_status()
    deadline = time.monotonic() + 60
    while (await client.get("/v1/me/kyc")).json()["case"]["status"] == "pending":
        if time.monotonic() > deadline:
            raise RuntimeError("KYC sandbox did not answer within 60 s")
        await asyncio.sleep(0.05)


async def new_customer(api: str, mail_url: str) -> httpx.AsyncClient:
    """A customer with a verified email and identity (orders need both), logged in."""
    client = httpx.AsyncClient(base_url=api, timeout=30.0)
    email = f"bench.{uuid.uuid4().hex}@example.com"
    r = await client.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "Bench"}
    )
    r.raise_for_status()
    token = await asyncio.to_thread(
        wait_for_link_token, mail_url, to=email, link_path="/verify-email"
    )
    r = await client.post("/v1/auth/email-verification", json={"token": token})
    r.raise_for_status()
    r = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    r.raise_for_status()
    client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    await verify_identity(client)
    return client


@dataclass
class Created:
    orders: list[tuple[httpx.AsyncClient, dict[str, Any]]] = field(default_factory=list)
    quote_seconds: list[float] = field(default_factory=list)
    order_seconds: list[float] = field(default_factory=list)


async def create_orders(
    clients: list[httpx.AsyncClient], orders: int, concurrency: int
) -> list[tuple[httpx.AsyncClient, dict[str, Any]]]:
    """Quote and place ``orders`` orders (EUR 100 to 999), spread over the customers; prints
    the rate and the API's latencies."""
    gate = asyncio.Semaphore(concurrency)
    created = Created()

    async def create(i: int) -> None:
        client = clients[i % len(clients)]
        async with gate:
            t = time.perf_counter()
            q = await client.post(
                "/v1/quotes",
                json={"source_currency": "EUR", "source_amount": f"{100 + i % 900}.00"},
            )
            q.raise_for_status()
            created.quote_seconds.append(time.perf_counter() - t)
            quote = q.json()
            t = time.perf_counter()
            o = await client.post(
                "/v1/orders",
                json={
                    "quote_id": quote["id"],
                    "source_currency": "EUR",
                    "source_amount": quote["source_amount"],
                },
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            o.raise_for_status()
            created.order_seconds.append(time.perf_counter() - t)
            created.orders.append((client, o.json()))

    t0 = time.perf_counter()
    await asyncio.gather(*(create(i) for i in range(orders)))
    took = time.perf_counter() - t0
    print(f"created {orders} orders in {took:.2f}s ({orders / took:.0f} orders/s via API)")
    print(summary("POST /v1/quotes", created.quote_seconds))
    print(summary("POST /v1/orders", created.order_seconds))
    return created.orders


def lift_bench_limits() -> None:
    """The environment of a stack this process starts for a benchmark: no rate limits (one
    client address, many customers), KYC limits far above what a bench customer orders."""
    os.environ["ONRAMP_RATE_LIMITS__ENABLED"] = "false"
    # Tier 2 allows EUR 15,000 a day; a bench customer places many orders.
    os.environ["ONRAMP_KYC__TIER2_DAILY_EUR"] = "100000000"
    os.environ["ONRAMP_KYC__TIER2_MONTHLY_EUR"] = "100000000"
    # camt.054 files (--via camt054) imported as soon as they land, not after 5 s of quiet.
    os.environ.setdefault("ONRAMP_BANKING__DROP_POLL_SECONDS", "0.2")
    os.environ.setdefault("ONRAMP_BANKING__DROP_SETTLE_SECONDS", "0")


@contextmanager
def running_stack() -> Iterator[dict[str, Any]]:
    """The stack of ``onramp dev`` (its ``stack.json``), else one started here with rate limits
    and KYC tier limits lifted, stopped afterwards."""
    path = stack_file(load_settings().state_dir)
    if path.exists():
        yield json.loads(path.read_text())
        return
    from onramp.devstack.stack import start_stack

    print("no running stack: starting one (onramp dev would keep it), rate and KYC limits off")
    lift_bench_limits()
    stack = start_stack(Path(tempfile.mkdtemp(prefix="onramp-bench-")))
    try:
        yield stack.describe()
    finally:
        stack.stop()
