"""Ledger postings per second through ``onramp.ledger.post_entries``, beside pgbench on the same
PostgreSQL in the same run.

Starts an embedded PostgreSQL (migrated, in a temporary directory, durable: ``fsync`` and
``synchronous_commit`` on, as the dev stack runs it). Each "order" is what the money path posts
for one order: its ``deposit`` entry (2 postings), its ``conversion`` (7: the customer's EUR, fee,
spread, rounding, FX position both sides, the customer's USDC) and its ``payout`` (2), on the bank,
fee, FX and vault accounts every order shares and on the customer's own two accounts. Workers post
batches of orders, one transaction per batch, for a fixed time per pattern:

- ``uniform``: customers drawn uniformly from ``--customers``
- ``zipf``: customers drawn Zipf-skewed (s = 1.1): a few customers place most orders
- ``hot``: every order on one customer (its accounts as hot as the shared ones)

Then ``pgbench -b tpcb-like`` runs on a database of its own in the same server for the same time
with as many clients as the ledger had workers. Afterwards every account's balance is checked
against the postings and against what the bench posted (exit 1 if any differs).

    .venv/bin/python bench/ledger.py                       # 15 s per pattern, batches of 100
    .venv/bin/python bench/ledger.py --batches 1,100 --seconds 10
    .venv/bin/python bench/ledger.py --quick               # a few seconds: the smoke test's run
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import record
from onramp.core.db import as_int, create_engine, session_factory, unit_of_work
from onramp.core.db.migrate import upgrade
from onramp.core.money import Money
from onramp.core.settings import Settings
from onramp.devstack.postgres import SUPERUSER, EmbeddedPostgres, start_postgres
from onramp.ledger import EntryDraft, credit, debit, entry, post_entries

PATTERNS = ("uniform", "zipf", "hot")
ZIPF_S = 1.1
BANK = "bank:benchbank:EUR"
VAULT = "chain:vault:USDC"
_RUN = uuid.uuid4().hex[:8]  # references unique per run (entries are idempotent per reference)
_SERIAL = itertools.count()


@dataclass
class Tally:
    """What one pattern posted: committed orders, postings, and every account's change."""

    orders: int = 0
    postings: int = 0
    expected: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def order_drafts(customer: uuid.UUID, amount_cents: int) -> list[EntryDraft]:
    """The three entries of one order (deposit, conversion, payout), as the money path writes
    them; the rate is fixed at 1.08 USDC (6 decimals) per EUR net of fee, spread and rounding."""
    ref = f"{_RUN}-{next(_SERIAL)}"
    eur = Money(amount_cents, "EUR")
    fee = Money(max(1, amount_cents // 100), "EUR")
    spread = Money(max(1, amount_cents // 500), "EUR")
    rounding = Money(1, "EUR")
    position = eur - fee - spread - rounding
    usdc = Money(position.minor * 10_800, "USDC")
    c_eur, c_usdc = f"customer:{customer}:EUR", f"customer:{customer}:USDC"
    return [
        entry("deposit", ref, debit(BANK, eur), credit(c_eur, eur)),
        entry(
            "conversion",
            ref,
            debit(c_eur, eur),
            credit("fees:EUR", fee),
            credit("spread:EUR", spread),
            credit("rounding:EUR", rounding),
            credit("fx:EUR", position),
            debit("fx:USDC", usdc),
            credit(c_usdc, usdc),
        ),
        entry("payout", ref, debit(c_usdc, usdc), credit(VAULT, usdc)),
    ]


class CustomerPicker:
    def __init__(self, pattern: str, customers: int, seed: int) -> None:
        self._rng = random.Random(seed)
        self._ids = [uuid.UUID(int=(seed << 64) | i) for i in range(customers)]
        self._pattern = pattern
        weights = [1 / (k + 1) ** ZIPF_S for k in range(customers)]
        self._cum = list(itertools.accumulate(weights))

    def pick(self) -> uuid.UUID:
        if self._pattern == "hot":
            return self._ids[0]
        if self._pattern == "zipf":
            return self._rng.choices(self._ids, cum_weights=self._cum)[0]
        return self._rng.choice(self._ids)


async def _worker(
    sessions: async_sessionmaker[AsyncSession],
    picker: CustomerPicker,
    batch: int,
    until: float,
    tally: Tally,
) -> None:
    while time.perf_counter() < until:
        drafts = [d for _ in range(batch) for d in order_drafts(picker.pick(), 50_000)]
        async with unit_of_work(sessions) as session:
            written = await post_entries(session, drafts)
        if len(written) != len(drafts):
            raise RuntimeError(f"{len(drafts) - len(written)} fresh entries were not written")
        # Counted only once committed: the balances must show exactly these.
        tally.orders += batch
        for draft in drafts:
            tally.postings += len(draft.legs)
            for leg in draft.legs:
                tally.expected[leg.account] += leg.amount.minor


async def run_pattern(
    url: str, pattern: str, *, batch: int, workers: int, seconds: float, customers: int
) -> Tally:
    engine = create_engine(url, pool_size=workers, max_overflow=0)
    sessions = session_factory(engine)
    tally = Tally()
    try:
        until = time.perf_counter() + seconds
        await asyncio.gather(
            *(
                _worker(
                    sessions, CustomerPicker(pattern, customers, seed=w + 1), batch, until, tally
                )
                for w in range(workers)
            )
        )
    finally:
        await engine.dispose()
    return tally


async def check_balances(url: str, expected: dict[str, int]) -> list[str]:
    """Every account's balance against the sum of its postings and what the bench posted."""
    engine = create_engine(url, pool_size=1, max_overflow=0)
    problems: list[str] = []
    try:
        async with unit_of_work(session_factory(engine)) as session:
            rows = await session.execute(
                text(
                    "SELECT a.code, a.balance, COALESCE(SUM(p.amount), 0) FROM ledger_accounts a "
                    "LEFT JOIN postings p ON p.account_id = a.id GROUP BY a.code, a.balance"
                )
            )
            seen: set[str] = set()
            for code, balance, summed in rows:
                seen.add(code)
                want = expected.get(code, 0)
                if not as_int(balance) == as_int(summed) == want:
                    problems.append(f"{code}: balance {balance}, postings {summed}, posted {want}")
            problems += [f"{code}: no account" for code in expected.keys() - seen]
            per_currency = await session.execute(
                text("SELECT currency, SUM(amount) FROM postings GROUP BY currency")
            )
            problems += [f"{ccy} postings sum to {s}" for ccy, s in per_currency if s != 0]
    finally:
        await engine.dispose()
    return problems


def pgbench_bin() -> str:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"), reverse=True)
    if found:
        return str(found[0])
    on_path = shutil.which("pgbench")
    if on_path is None:
        raise SystemExit("pgbench not found (apt-get install postgresql-client)")
    return on_path


def run_pgbench(pg: EmbeddedPostgres, *, clients: int, seconds: float) -> float:
    """tps of ``pgbench -b tpcb-like`` (scale = clients, so clients rarely share a branch row)."""
    base = [pgbench_bin(), "-h", "127.0.0.1", "-p", str(pg.port), "-U", SUPERUSER]
    env = {**os.environ, "PGDATABASE": "pgbench"}
    init = [*base, "-i", "-q", "-s", str(clients), "pgbench"]
    subprocess.run(init, env=env, check=True, capture_output=True)  # noqa: S603 - pgbench, our args
    jobs = min(clients, os.cpu_count() or 1)
    run = [*base, "-b", "tpcb-like", "-c", str(clients), "-j", str(jobs), "-T", str(int(seconds))]
    out = subprocess.run(  # noqa: S603 - pgbench with our own arguments
        [*run, "pgbench"], env=env, check=True, capture_output=True, text=True
    )
    found = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out.stdout)
    if found is None:
        raise RuntimeError(f"no tps in pgbench's output:\n{out.stdout}\n{out.stderr}")
    return float(found.group(1))


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


async def measure(url: str, args: argparse.Namespace, pg: EmbeddedPostgres) -> int:
    expected: dict[str, int] = defaultdict(int)
    figures: dict[str, float] = {}  # what --record writes
    print(
        f"ledger post_entries, {args.workers} workers, {args.seconds:.0f} s per pattern, "
        f"{os.cpu_count()} cores, {_load()}"
    )
    print(f"{'pattern':<8} {'batch':>6} {'orders':>8} {'postings/s':>11} {'orders/s':>9}  load")
    best = 0.0
    for batch in args.batches:
        for pattern in args.patterns:
            start = time.perf_counter()
            tally = await run_pattern(
                url,
                pattern,
                batch=batch,
                workers=args.workers,
                seconds=args.seconds,
                customers=args.customers,
            )
            elapsed = time.perf_counter() - start
            for code, delta in tally.expected.items():
                expected[code] += delta
            orders_per_s = tally.orders / elapsed
            best = max(best, orders_per_s)
            figures[f"batch{batch}_{pattern}_orders_per_second"] = orders_per_s
            print(
                f"{pattern:<8} {batch:>6} {tally.orders:>8} {tally.postings / elapsed:>11,.0f} "
                f"{orders_per_s:>9,.0f}  {_load()}"
            )
    conn = await asyncpg.connect(pg.url("postgres"))
    try:
        await conn.execute("CREATE DATABASE pgbench")
    finally:
        await conn.close()
    tps = await asyncio.to_thread(run_pgbench, pg, clients=args.workers, seconds=args.seconds)
    print(f"pgbench -b tpcb-like, {args.workers} clients: {tps:,.0f} tps  {_load()}")
    print(f"best order-equivalents/s / pgbench tps: {best / tps:.2f}")
    figures["pgbench_tps"] = tps
    problems = await check_balances(url, expected)
    if problems:
        print(f"balances NOT exact ({len(problems)} accounts):")
        for line in problems[:20]:
            print(f"  {line}")
        return 1
    print(
        f"balances exact: {len(expected)} accounts, each equal to its postings and to the bench's"
    )
    if args.record:
        record.write("ledger", figures)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="per pattern, and pgbench's")
    parser.add_argument("--workers", type=int, default=4, help="concurrent transactions")
    parser.add_argument("--batches", default="100", help="orders per transaction, comma-separated")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--patterns", default=",".join(PATTERNS))
    parser.add_argument("--quick", action="store_true", help="2 s per pattern, 2 workers")
    record.add_flag(parser)
    args = parser.parse_args(argv)
    args.batches = [int(b) for b in args.batches.split(",")]
    args.patterns = [p for p in args.patterns.split(",") if p]
    if unknown := set(args.patterns) - set(PATTERNS):
        parser.error(f"unknown patterns {sorted(unknown)}; known: {', '.join(PATTERNS)}")
    if args.quick:
        args.seconds, args.workers, args.customers = 2.0, 2, 1000
    with tempfile.TemporaryDirectory(prefix="onramp-bench-ledger-") as state_dir:
        pg = start_postgres(Path(state_dir), database="onramp")
        try:
            os.environ["ONRAMP_DATABASE__URL"] = pg.url()  # the settings the migrations read
            upgrade(pg.url(), settings=Settings())
            return asyncio.run(measure(pg.url(), args, pg))
        finally:
            pg.stop()


if __name__ == "__main__":
    sys.exit(main())
