"""End-to-end throughput: push N orders through the running stack, print settled orders/s and
stage latencies.

    .venv/bin/python bench/e2e.py --orders 500 --customers 10 --concurrency 32
    .venv/bin/python bench/e2e.py --open-loop --rate 50 --duration 20 [--via camt054]

Closed loop (the default): every order's transfer is booked as fast as ``--concurrency`` allows,
then the bench waits for them all. Open loop: see ``e2e_open_loop.py``.

Uses the stack of ``onramp dev`` when ``.onramp/stack.json`` exists, else starts its own (and
stops it afterwards) with rate limits and KYC tier limits lifted. Each bench customer passes KYC
tier 2 through the KYC sandbox (EUR 15,000 a day): against an ``onramp dev`` stack with default
limits, use enough ``--customers`` (orders average EUR 550). Numbers, never asserts: see the
closing notes of the issues for history.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

import record
from e2e_common import SENDER, create_orders, new_customer, running_stack, summary
from e2e_open_loop import OpenLoop, run_open_loop
from onramp.core.settings import load_settings
from onramp.devstack.bank_sandbox import sign_payload


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
                "sender_name": SENDER,
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
    created = await create_orders(clients, orders, concurrency)

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
                    "sender_name": SENDER,
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
    open_loop = parser.add_argument_group("open loop (deposits at a fixed rate)")
    open_loop.add_argument("--open-loop", action="store_true")
    open_loop.add_argument("--rate", type=float, default=50.0, help="deposits per second")
    open_loop.add_argument("--duration", type=float, default=20.0, help="seconds of deposits")
    open_loop.add_argument("--via", choices=("webhook", "camt054"), default="webhook")
    open_loop.add_argument(
        "--webhook-batch", type=int, default=100, help="entries per bank webhook (1 to 500)"
    )
    open_loop.add_argument(
        "--camt-every", type=float, default=1.0, help="seconds between camt.054 files"
    )
    record.add_flag(parser)
    args = parser.parse_args()
    if args.record and not args.open_loop:
        parser.error("--record records the open loop's figures: add --open-loop")
    with running_stack() as stack:
        if args.open_loop:
            cfg = OpenLoop(
                rate=args.rate,
                duration=args.duration,
                via=args.via,
                webhook_batch=args.webhook_batch,
                camt_every=args.camt_every,
                customers=args.customers,
                concurrency=args.concurrency,
            )
            figures = asyncio.run(run_open_loop(stack, cfg))
            if args.record:
                record.write("e2e", {f"open_loop_{k}": v for k, v in figures.items()})
            return
        asyncio.run(
            run(
                stack["api"],
                stack["bank_sandbox"],
                stack["mail_sandbox"],
                args.orders,
                args.customers,
                args.concurrency,
                args.direct_webhooks,
            )
        )


if __name__ == "__main__":
    main()
