"""``e2e.py --open-loop``: orders created ahead of time, then their deposits arrive at a fixed rate
for a fixed time, whether or not the stack keeps up (open loop: the arrivals never wait for the
system, so a saturated stage shows as growing latency, not as a slower offered rate).

The deposits are booked in the sandbox bank with ``POST /transfers/batch`` every tick and reach
the operator either as its batched webhooks (``--via webhook``, up to ``--webhook-batch`` entries
each) or as camt.054 files it drops into the stack's folder every ``--camt-every`` seconds
(``--via camt054``; the ``bank_files`` worker imports them). Completion is read from the
database (one query a second, not the API), and each order's transitions at the end.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from e2e_common import SENDER, create_orders, new_customer, pct, summary
from e2e_cost import Cost

TICK_SECONDS = 0.1
MAX_BATCH_TRANSFERS = 1000  # the sandbox bank's bound per POST /transfers/batch
TERMINAL = ("completed", "failed")


@dataclass(frozen=True)
class OpenLoop:
    rate: float  # deposits per second
    duration: float  # seconds
    via: str  # "webhook" or "camt054"
    webhook_batch: int
    camt_every: float
    customers: int
    concurrency: int

    @property
    def orders(self) -> int:
        return max(1, round(self.rate * self.duration))


@dataclass
class Feed:
    booked: dict[str, datetime] = field(default_factory=dict)  # order id -> bank booking time
    requests: list[asyncio.Task[None]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _transfer(order: dict[str, Any]) -> dict[str, Any]:
    ins = order["deposit_instructions"]
    return {
        "amount": ins["amount"],
        "currency": ins["currency"],
        "reference": ins["reference"],
        "sender_name": SENDER,
        "sender_iban": "GB33BUKB20201555555555",
    }


async def _book(
    bank: httpx.AsyncClient, orders: Sequence[dict[str, Any]], cfg: OpenLoop, feed: Feed
) -> None:
    body = {
        "transfers": [_transfer(o) for o in orders],
        "webhook_batch_size": cfg.webhook_batch,
        "notify": "webhook" if cfg.via == "webhook" else "none",
    }
    try:
        r = await bank.post("/transfers/batch", json=body)
        r.raise_for_status()
    except httpx.HTTPError as exc:
        feed.errors.append(f"{type(exc).__name__}: {exc}")
        return
    for order, entry in zip(orders, r.json()["entries"], strict=True):
        feed.booked[order["id"]] = datetime.fromisoformat(entry["booked_at"])


async def _drop_camt054(bank: httpx.AsyncClient, stop: asyncio.Event, every: float) -> int:
    """A camt.054 of what was booked since the last one (with a second's overlap: an entry the
    operator knows already is a duplicate it ignores), every ``every`` seconds until stopped."""
    since: datetime | None = None
    files = 0
    while True:
        stopping = stop.is_set()
        now = datetime.now(UTC)
        params = {"currency": "EUR"} | ({"since": since.isoformat()} if since else {})
        (await bank.post("/drops/camt.054", params=params)).raise_for_status()
        files += 1
        since = now - timedelta(seconds=1)
        if stopping:
            return files
        try:
            await asyncio.wait_for(stop.wait(), every)
        except TimeoutError:
            pass


async def feed_deposits(
    bank: httpx.AsyncClient, orders: Sequence[dict[str, Any]], cfg: OpenLoop
) -> Feed:
    feed = Feed()
    stop = asyncio.Event()
    dropper = (
        asyncio.create_task(_drop_camt054(bank, stop, cfg.camt_every))
        if cfg.via == "camt054"
        else None
    )
    start, sent = time.perf_counter(), 0
    while sent < len(orders):
        due = min(len(orders), int(cfg.rate * (time.perf_counter() - start)) + 1)
        for first in range(sent, due, MAX_BATCH_TRANSFERS):
            chunk = orders[first : min(due, first + MAX_BATCH_TRANSFERS)]
            feed.requests.append(asyncio.create_task(_book(bank, chunk, cfg, feed)))
        sent = due
        await asyncio.sleep(TICK_SECONDS)
    await asyncio.gather(*feed.requests)
    if dropper is not None:
        stop.set()
        files = await dropper
        print(f"camt.054 files dropped: {files}")
    return feed


async def wait_settled(database_url: str, ids: Sequence[str], *, idle_timeout: float) -> None:
    """Until every order is completed or failed, or none of them moved (no new transition) for
    ``idle_timeout`` seconds."""
    conn = await asyncpg.connect(database_url)
    wanted = [uuid.UUID(i) for i in ids]
    last, last_change = -1, time.perf_counter()
    try:
        while True:
            done = await conn.fetchval(
                "SELECT count(*) FROM orders "
                "WHERE id = ANY($1::uuid[]) AND state = ANY($2::text[])",
                wanted,
                list(TERMINAL),
            )
            if done >= len(wanted):
                return
            moved = await conn.fetchval(
                "SELECT count(*) FROM order_transitions WHERE order_id = ANY($1::uuid[])", wanted
            )
            if moved != last:
                last, last_change = moved, time.perf_counter()
            elif time.perf_counter() - last_change > idle_timeout:
                print(
                    f"no order moved for {idle_timeout:.0f} s: "
                    f"stopping with {done}/{len(wanted)} finished"
                )
                return
            await asyncio.sleep(1.0)
    finally:
        await conn.close()


async def transitions(
    database_url: str, ids: Sequence[str]
) -> dict[str, list[tuple[str, datetime]]]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT order_id, to_state, at FROM order_transitions "
            "WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, at, id",
            [uuid.UUID(i) for i in ids],
        )
    finally:
        await conn.close()
    history: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    for row in rows:
        history[str(row["order_id"])].append((row["to_state"], row["at"]))
    return history


def report_stages(
    history: dict[str, list[tuple[str, datetime]]],
    booked: dict[str, datetime],
    figures: dict[str, float],
) -> list[str]:
    """p50/p99/p99.9 of each step an order took (from the bank's booking to its first state
    after booking, then state to state), of booking -> payout_broadcast and booking -> completed
    (whose p99 in ms it adds to ``figures``)."""
    steps: dict[str, list[float]] = defaultdict(list)
    order_of_steps: list[str] = []
    ends: dict[str, list[float]] = defaultdict(list)
    for order_id, states in history.items():
        at_booking = booked.get(order_id)
        if at_booking is None or states[-1][0] != "completed":
            continue
        previous, previous_at = "bank booking", at_booking
        for state, at in states:
            if at < at_booking:
                continue  # the order's states before its money arrived
            name = f"{previous} -> {state}"
            if name not in steps:
                order_of_steps.append(name)
            steps[name].append((at - previous_at).total_seconds())
            previous, previous_at = state, at
            if state in ("payout_broadcast", "completed"):
                ends[state].append((at - at_booking).total_seconds())
    lines = [summary(name, steps[name]) + f"   n {len(steps[name])}" for name in order_of_steps]
    lines += [summary(f"bank booking -> {s}", ends[s]) for s in ("payout_broadcast", "completed")]
    for state in ("payout_broadcast", "completed"):
        figures[f"booking_to_{state}_p99_ms"] = pct([v * 1000 for v in ends[state]], 99)
    return lines


async def run_open_loop(stack: dict[str, Any], cfg: OpenLoop) -> dict[str, float]:
    """Prints the run; returns its figures (what ``e2e.py --open-loop --record`` writes)."""
    figures: dict[str, float] = {}
    one, five, _ = os.getloadavg()
    print(
        f"open loop: {cfg.orders} deposits at {cfg.rate:g}/s for {cfg.duration:g} s via {cfg.via}"
        + (
            f" (webhooks of up to {cfg.webhook_batch})"
            if cfg.via == "webhook"
            else f" (a file every {cfg.camt_every:g} s)"
        )
        + f"; {os.cpu_count()} cores, load {one:.1f}/{five:.1f}"
    )
    clients = [
        await new_customer(stack["api"], stack["mail_sandbox"]) for _ in range(cfg.customers)
    ]
    bank = httpx.AsyncClient(base_url=stack["bank_sandbox"], timeout=60.0)
    try:
        created = await create_orders(clients, cfg.orders, cfg.concurrency)
        orders = [o for _, o in created]
        cost = Cost(stack["database"], stack["pids"])
        await cost.start()
        t0 = time.perf_counter()
        feed = await feed_deposits(bank, orders, cfg)
        fed = time.perf_counter() - t0
        print(
            f"{len(feed.booked)} deposits booked in {fed:.1f} s "
            f"({len(feed.booked) / fed:.0f}/s offered)"
        )
        for error in feed.errors[:5]:
            print(f"  booking failed: {error}")
        ids = list(feed.booked)
        await wait_settled(stack["database"], ids, idle_timeout=60.0)
        history = await transitions(stack["database"], ids)
        completed = {i: s[-1][1] for i, s in history.items() if s and s[-1][0] == "completed"}
        failed = sum(1 for s in history.values() if s and s[-1][0] == "failed")
        print(
            f"settled {len(completed)}/{len(ids)} ({failed} failed, "
            f"{len(ids) - len(completed) - failed} unfinished)"
        )
        for line in report_stages(history, feed.booked, figures):
            print(line)
        for line in await cost.report(len(completed), figures):
            print(line)
        one, five, _ = os.getloadavg()
        print(f"load average at the end: {one:.1f}/{five:.1f}")
        rate = 0.0
        if completed:
            window = (max(completed.values()) - min(feed.booked.values())).total_seconds()
            rate = len(completed) / window if window > 0 else float("nan")
        print(f"settled orders/s: {rate:.1f}")
        figures["settled_orders_per_second"] = rate
    finally:
        await bank.aclose()
        for client in clients:
            await client.aclose()
    return figures
