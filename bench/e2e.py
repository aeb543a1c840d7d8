"""End-to-end throughput: push N orders through the running stack, print settled orders/s and
stage latencies.

    .venv/bin/python bench/e2e.py --orders 500 --customers 10 --concurrency 32

Uses the stack of ``onramp dev`` when ``.onramp/stack.json`` exists, else starts its own (and
stops it afterwards) with rate limits and KYC tier limits lifted. Each bench customer passes KYC
tier 2 through the KYC sandbox (EUR 15,000 a day): against an ``onramp dev`` stack with default
limits, use enough ``--customers`` (orders average EUR 550). Numbers, never asserts: see the
closing notes of the issues for history.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from onramp.core.settings import load_settings, stack_file
from onramp.devstack.bank_sandbox import sign_payload
from onramp.devstack.mail_sandbox import wait_for_link_token

PASSWORD = "benchmark passphrase 123"  # noqa: S105 - throwaway bench customers


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:<34} p50 {pct(ms, 50):8.1f} ms   p90 {pct(ms, 90):8.1f} ms   "
        f"p99 {pct(ms, 99):8.1f} ms   max {max(ms) if ms else float('nan'):8.1f} ms"
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


async def deliver_webhook(
    api: httpx.AsyncClient, order: dict[str, Any], *, secret: bytes
) -> datetime:
    """What the sandbox bank would send for this order's transfer, signed, straight to the API."""
    ins = order["deposit_instructions"]
    now = datetime.now(UTC)
    body = orjson.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex}",
            "type": "credit_transfer.booked",
            "created_at": now.isoformat(),
            "data": {
                "entry_id": f"bench_{uuid.uuid4().hex}",
                "amount": ins["amount"],
                "currency": ins["currency"],
                "reference": ins["reference"],
                "sender_name": "Bench Customer",  # the KYC name: not third-party funding
                "sender_iban": "GB33BUKB20201555555555",
                "account_iban": ins["iban"],
                "booked_at": now.isoformat(),
            },
        }
    )
    r = await api.post(
        "/v1/webhooks/bank/sandbox",
        content=body,
        headers={
            "Sandbank-Signature": sign_payload(secret, int(now.timestamp()), body),
            "Content-Type": "application/json",
        },
    )
    r.raise_for_status()
    return now


async def run(
    api: str,
    bank_url: str,
    mail_url: str,
    orders: int,
    customers: int,
    concurrency: int,
    direct: bool,
) -> None:
    clients = [await new_customer(api, mail_url) for _ in range(customers)]
    bank = httpx.AsyncClient(base_url=bank_url, timeout=30.0)
    api_client = httpx.AsyncClient(base_url=api, timeout=30.0)
    secret = load_settings().banking.webhook_secret.get_secret_value().encode()
    gate = asyncio.Semaphore(concurrency)
    quote_lat: list[float] = []
    order_lat: list[float] = []
    created: list[tuple[httpx.AsyncClient, dict[str, Any]]] = []

    async def create(i: int) -> None:
        client = clients[i % customers]
        async with gate:
            t = time.perf_counter()
            q = await client.post(
                "/v1/quotes",
                json={"source_currency": "EUR", "source_amount": f"{100 + i % 900}.00"},
            )
            q.raise_for_status()
            quote_lat.append(time.perf_counter() - t)
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
            order_lat.append(time.perf_counter() - t)
            created.append((client, o.json()))

    t0 = time.perf_counter()
    await asyncio.gather(*(create(i) for i in range(orders)))
    t_created = time.perf_counter() - t0
    print(
        f"created {orders} orders in {t_created:.2f}s ({orders / t_created:.0f} orders/s via API)"
    )
    print(summary("POST /v1/quotes", quote_lat))
    print(summary("POST /v1/orders", order_lat))

    booked: dict[str, datetime] = {}

    async def pay(order: dict[str, Any]) -> None:
        ins = order["deposit_instructions"]
        async with gate:
            if direct:
                booked[order["id"]] = await deliver_webhook(api_client, order, secret=secret)
                return
            r = await bank.post(
                "/transfers",
                json={
                    "amount": ins["amount"],
                    "currency": ins["currency"],
                    "reference": ins["reference"],
                    "sender_name": "Bench Customer",  # the KYC name: not third-party funding
                    "sender_iban": "GB33BUKB20201555555555",
                },
            )
            r.raise_for_status()
            booked[order["id"]] = datetime.fromisoformat(r.json()["booked_at"])

    t_pay = time.perf_counter()
    await asyncio.gather(*(pay(o) for _, o in created))
    how = (
        "signed webhooks sent straight to the API"
        if direct
        else "transfers booked by the sandbox bank"
    )
    print(f"{orders} {how} in {time.perf_counter() - t_pay:.2f}s")

    pending = {o["id"] for _, o in created}
    done: dict[str, dict[str, Any]] = {}
    deadline = time.perf_counter() + max(120.0, orders / 10)
    while pending and time.perf_counter() < deadline:
        for client in clients:
            before: str | None = None
            while True:
                params: dict[str, Any] = {"limit": 100}
                if before:
                    params["before"] = before
                page = (await client.get("/v1/orders", params=params)).json()
                for o in page["data"]:
                    if o["id"] in pending and o["state"] in ("completed", "failed"):
                        pending.discard(o["id"])
                        done[o["id"]] = o
                before = page["next_before"]
                if not before:
                    break
        if pending:
            await asyncio.sleep(0.2)
    elapsed = time.perf_counter() - t_pay
    settled = [o for o in done.values() if o["state"] == "completed"]
    print(
        f"settled {len(settled)}/{orders} orders ({len(done) - len(settled)} failed, "
        f"{len(pending)} unfinished) in {elapsed:.2f}s after the first transfer"
    )
    if settled:
        last = max(datetime.fromisoformat(o["history"][-1]["at"]) for o in settled)
        first_booked = min(booked.values())
        window = (last - first_booked).total_seconds()
        print(f"settled orders/s (first booking -> last completion): {len(settled) / window:.1f}")

    def stage(o: dict[str, Any], a: str, b: str) -> float:
        at = {h["to_state"]: datetime.fromisoformat(h["at"]) for h in o["history"]}
        return (at[b] - at[a]).total_seconds()

    def from_booking(o: dict[str, Any], b: str) -> float:
        at = {h["to_state"]: datetime.fromisoformat(h["at"]) for h in o["history"]}
        return (at[b] - booked[o["id"]]).total_seconds()

    print(
        summary(
            "bank booking -> funds_received", [from_booking(o, "funds_received") for o in settled]
        )
    )
    print(
        summary(
            "funds_received -> payout_queued",
            [stage(o, "funds_received", "payout_queued") for o in settled],
        )
    )
    print(
        summary(
            "payout_queued -> payout_broadcast",
            [stage(o, "payout_queued", "payout_broadcast") for o in settled],
        )
    )
    print(
        summary(
            "payout_broadcast -> completed",
            [stage(o, "payout_broadcast", "completed") for o in settled],
        )
    )
    print(summary("bank booking -> completed", [from_booking(o, "completed") for o in settled]))
    if settled:
        print(
            "mean end-to-end: "
            f"{statistics.mean(from_booking(o, 'completed') for o in settled):.3f}s"
        )
    for client in clients:
        await client.aclose()
    await bank.aclose()
    await api_client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--customers", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--direct-webhooks",
        action="store_true",
        help="sign and send the bank's webhooks from here instead of booking transfers in the "
        "sandbox bank (one HTTP hop less: measures onramp, not the sandbox)",
    )
    args = parser.parse_args()
    path = stack_file(load_settings().state_dir)
    if path.exists():
        stack_info = json.loads(path.read_text())
        asyncio.run(
            run(
                stack_info["api"],
                stack_info["bank_sandbox"],
                stack_info["mail_sandbox"],
                args.orders,
                args.customers,
                args.concurrency,
                args.direct_webhooks,
            )
        )
        return
    from onramp.devstack.stack import start_stack

    print("no running stack: starting one (onramp dev would keep it), rate and KYC limits off")
    os.environ["ONRAMP_RATE_LIMITS__ENABLED"] = "false"  # one client address, many customers
    # Tier 2 allows EUR 15,000 a day; a bench customer places many orders.
    os.environ["ONRAMP_KYC__TIER2_DAILY_EUR"] = "100000000"
    os.environ["ONRAMP_KYC__TIER2_MONTHLY_EUR"] = "100000000"
    stack = start_stack(Path(tempfile.mkdtemp(prefix="onramp-bench-")))
    try:
        assert stack.bank is not None
        asyncio.run(
            run(
                stack.api_url,
                stack.bank.url,
                stack.mail.url,
                args.orders,
                args.customers,
                args.concurrency,
                args.direct_webhooks,
            )
        )
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
