"""The reconciliation run over a day of N settled orders: seconds, rows/s, peak memory, breaks.

Starts an embedded PostgreSQL (migrated, in a temporary directory) and, for each size N, loads one
day of N settled orders set-based (COPY, no per-order services): each order's deposit and the
credit line of the bank's statement that books it, the ``deposit``, ``conversion`` and
``payout`` journal entries with their postings, and the vault's ``Payout`` event as the chain
reader stores it (so no anvil is needed: the run reads the chain only from those tables). A few
breaks of each kind are injected; then ``run_recon`` for that day (what ``onramp recon run``
calls) is timed, and run again under tracemalloc for its peak memory (the second run is also
the idempotent one: the same breaks). Each size gets its own day in the same database, so the
tables hold the earlier days too. Exits 1 if the breaks found differ from the injected ones.

    .venv/bin/python bench/recon.py                  # sizes 10,000, 30,000 and 100,000
    .venv/bin/python bench/recon.py --orders 2000    # one size, a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import record
from onramp.core.db import standalone_sessions, unit_of_work
from onramp.core.db.migrate import upgrade
from onramp.core.settings import Settings
from onramp.devstack.postgres import start_postgres
from onramp.recon import RunResult, run_recon
from onramp.recon.obligations import reconcile_obligations

BANK = "benchbank"
ACCOUNT_IBAN = "DE02120300000000202051"
VAULT = "vault"  # the wallet's registry name, as the orders saga posts to chain:vault:USDC
RECIPIENT = "0x00000000000000000000000000000000c0ffee01"
CUSTOMERS = 1000  # orders are spread over this many customers' accounts
CUSTOMER_IDS = [uuid.uuid4() for _ in range(CUSTOMERS)]
BREAKS_PER_KIND = 5
FIRST_DAY = date(2031, 3, 1)

# The injected breaks, by what the run must report: (type, source).
KINDS = {
    "line_without_deposit": ("missing_in_ledger", "bank"),
    "deposit_without_line": ("missing_at_bank", "bank"),
    "line_amount_off": ("amount_mismatch", "bank"),
    "deposit_without_posting": ("missing_in_ledger", "ledger"),
    "duplicate_booking": ("duplicate", "bank"),
    "payout_without_event": ("missing_on_chain", "chain"),
    "event_without_payout": ("missing_in_ledger", "chain"),
    "event_amount_off": ("amount_mismatch", "chain"),
}
# Two of them also leave the books owing customers what the orders do not (the obligations
# check, global: one break per class and currency, found again by every later day's run).
OBLIGATIONS = {
    "deposit_without_posting": "customer:EUR",  # the conversion took what was never credited
    "event_without_payout": "customer:USDC",  # paid on chain, still owed in the books
}


@dataclass
class Day:
    """One day's rows, ready for COPY, and what was injected into them."""

    deposits: list[tuple[Any, ...]] = field(default_factory=list)
    orders: list[tuple[Any, ...]] = field(default_factory=list)
    lines: list[tuple[Any, ...]] = field(default_factory=list)
    entries: list[tuple[Any, ...]] = field(default_factory=list)
    postings: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    injected: Counter[tuple[str, str]] = field(default_factory=Counter)

    def rows(self) -> int:
        tables = (self.deposits, self.orders, self.lines, self.entries, self.postings, self.events)
        return sum(len(t) for t in tables)


@dataclass(frozen=True)
class Accounts:
    bank_eur: uuid.UUID
    vault_usdc: uuid.UUID
    fees_eur: uuid.UUID
    fx_eur: uuid.UUID
    fx_usdc: uuid.UUID
    customer_eur: list[uuid.UUID]
    customer_usdc: list[uuid.UUID]


def _accounts() -> tuple[Accounts, list[tuple[Any, ...]]]:
    def new(code: str, kind: str, currency: str) -> uuid.UUID:
        rows.append((account_id := uuid.uuid4(), code, kind, currency, Decimal(0)))
        return account_id

    rows: list[tuple[Any, ...]] = []
    accounts = Accounts(
        bank_eur=new(f"bank:{BANK}:EUR", "asset", "EUR"),
        vault_usdc=new(f"chain:{VAULT}:USDC", "asset", "USDC"),
        fees_eur=new("fees:EUR", "revenue", "EUR"),
        fx_eur=new("fx:EUR", "fx_position", "EUR"),
        fx_usdc=new("fx:USDC", "fx_position", "USDC"),
        customer_eur=[new(f"customer:{i}:EUR", "liability", "EUR") for i in CUSTOMER_IDS],
        customer_usdc=[new(f"customer:{i}:USDC", "liability", "USDC") for i in CUSTOMER_IDS],
    )
    return accounts, rows


_SERIAL = itertools.count(1)
_RUN = uuid.uuid4().int >> 64 << 64  # distinct per bench run; the low half counts (cheap ids)


def _id() -> uuid.UUID:
    return uuid.UUID(int=_RUN | next(_SERIAL))


def _injection(i: int) -> str | None:
    """Which break (if any) the ``i``-th order carries: the first few orders carry them."""
    kind = i // BREAKS_PER_KIND
    names = list(KINDS)
    return names[kind] if kind < len(names) else None


class DayBuilder:
    def __init__(self, day: date, accounts: Accounts) -> None:
        self.day, self.a, self.out = day, accounts, Day()
        self.start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
        self.block = (day - FIRST_DAY).days * 100_000 + 1

    def _entry(
        self, kind: str, reference: str, at: datetime, *legs: tuple[uuid.UUID, str, int]
    ) -> None:
        entry_id = _id()
        self.out.entries.append((entry_id, kind, reference, at))
        self.out.postings += [(entry_id, a, ccy, Decimal(amount)) for a, ccy, amount in legs]

    def _line(self, key: str, amount: int, e2e: str) -> None:
        self.out.lines.append(
            (_id(), BANK, key, ACCOUNT_IBAN, self.day, "credit", False, Decimal(amount),
             "EUR", e2e, self.file_id, self.start)
        )  # fmt: skip

    def _deposit(
        self, key: str, amount: int, e2e: str, at: datetime, order: uuid.UUID, customer: int
    ) -> uuid.UUID:
        deposit_id = _id()
        self.out.deposits.append(
            (deposit_id, BANK, key, Decimal(amount), "EUR", f"order {key}", at, "matched", order,
             "reference", at, "camt.053", e2e, CUSTOMER_IDS[customer])
        )  # fmt: skip
        return deposit_id

    def _booked(self, deposit_id: uuid.UUID, at: datetime, customer: int, amount: int) -> None:
        """The ``deposit`` entry: the bank's account up, the customer's fiat owed."""
        fiat = self.a.customer_eur[customer]
        self._entry("deposit", str(deposit_id), at, (self.a.bank_eur, "EUR", amount),
                    (fiat, "EUR", -amount))  # fmt: skip

    def order(self, i: int) -> None:
        """One settled order: booked at the bank, deposited, priced and paid out on chain."""
        broken = _injection(i)
        at = self.start + timedelta(seconds=1 + i * 80_000 / max(1, self.n))
        order_id, c = _id(), i % CUSTOMERS
        amount, fee = 10_000 + i % 90_000, 150
        usdc = (amount - fee) * 10_800  # EUR cents to USDC base units at 1.08
        key, e2e = f"{self.day:%Y%m%d}-{i:07d}", f"E2E-{self.day:%Y%m%d}-{i:07d}"
        deposit_id = self._deposit(key, amount, e2e, at, order_id, c)
        self.out.orders.append(
            (order_id, CUSTOMER_IDS[c], "completed", "EUR", Decimal(amount), "USDC", Decimal(usdc),
             Decimal(fee), "0x" + "00" * 19 + "01", order_id.hex[-25:], Decimal(amount) / 100,
             at, deposit_id)
        )  # fmt: skip
        if broken != "deposit_without_line":
            self._line(key, amount + (1 if broken == "line_amount_off" else 0), e2e)
        if broken != "deposit_without_posting":
            self._booked(deposit_id, at, c, amount)
        self._entry(
            "conversion", str(order_id), at,
            (self.a.customer_eur[c], "EUR", amount), (self.a.fees_eur, "EUR", -fee),
            (self.a.fx_eur, "EUR", fee - amount), (self.a.fx_usdc, "USDC", usdc),
            (self.a.customer_usdc[c], "USDC", -usdc),
        )  # fmt: skip
        paid_at = at + timedelta(seconds=30)
        if broken != "event_without_payout":
            confirmed = paid_at + timedelta(seconds=5)
            usdc_legs = (self.a.customer_usdc[c], "USDC", usdc), (self.a.vault_usdc, "USDC", -usdc)
            self._entry("payout", str(order_id), confirmed, *usdc_legs)
        if broken != "payout_without_event":
            off = 1 if broken == "event_amount_off" else 0
            self.out.events.append(
                ("vault", _id().bytes * 2, 0, self.block + i, paid_at,
                 VAULT, "payout", order_id, RECIPIENT, Decimal(-usdc - off))
            )  # fmt: skip
        if broken == "duplicate_booking":  # the bank booked the same payment twice
            self._line(key + "-again", amount, e2e)
            again = self._deposit(key + "-again", amount, e2e, at, order_id, c)
            self._booked(again, at, c, amount)
        if broken == "line_without_deposit":
            self._line(f"{key}-stray", 1_234, f"E2E-{key}-stray")
        if broken is not None:
            self.out.injected[KINDS[broken]] += 1

    def build(self, n: int) -> Day:
        self.n, self.file_id = n, _id()
        for i in range(n):
            self.order(i)
        injected = {k for k in OBLIGATIONS if self.out.injected[KINDS[k]]}
        self.out.injected[("obligation_mismatch", "ledger")] += len(injected)
        return self.out


async def _copy(
    conn: asyncpg.Connection, accounts: list[tuple[Any, ...]], day: Day, on: date
) -> None:
    async with conn.transaction():
        if accounts:
            await conn.copy_records_to_table(
                "ledger_accounts", records=accounts,
                columns=["id", "code", "kind", "currency", "balance"],
            )  # fmt: skip
        await conn.copy_records_to_table(
            "deposits", records=day.deposits,
            columns=["id", "bank", "bank_entry_id", "amount", "currency", "reference_text",
                     "booked_at", "status", "order_id", "match_method", "received_at", "source",
                     "end_to_end_id", "customer_id"],
        )  # fmt: skip
        await conn.copy_records_to_table(
            "orders", records=day.orders,
            columns=["id", "customer_id", "state", "source_currency", "source_amount",
                     "target_currency", "target_amount", "fee_amount", "destination_address",
                     "creditor_reference", "limit_eur", "created_at", "deposit_id"],
        )  # fmt: skip
        await conn.copy_records_to_table(
            "bank_statement_lines", records=day.lines,
            columns=["id", "bank", "entry_key", "account", "booking_date", "direction",
                     "reversal", "amount", "currency", "end_to_end_id", "first_file_id",
                     "created_at"],
        )  # fmt: skip
        await conn.copy_records_to_table(
            "journal_entries",
            records=day.entries,
            columns=["id", "kind", "reference", "created_at"],
        )
        # One COPY: the balance trigger checks every entry it touched once, at its end.
        await conn.copy_records_to_table(
            "postings", records=day.postings,
            columns=["entry_id", "account_id", "currency", "amount"],
        )  # fmt: skip
        # What posting through the ledger's service keeps: each account's balance.
        await conn.execute(
            "UPDATE ledger_accounts a SET balance = s.total FROM (SELECT account_id, "
            "sum(amount) AS total FROM postings GROUP BY account_id) s WHERE a.id = s.account_id"
        )
        await conn.copy_records_to_table(
            "recon_chain_events", records=day.events,
            columns=["stream", "tx_hash", "log_index", "block_number", "block_time", "wallet",
                     "kind", "order_id", "counterparty", "amount"],
        )  # fmt: skip
        # The reader has read past the day: a payout entry with no event is missing on chain.
        end = datetime.combine(on + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        await conn.execute(
            "INSERT INTO recon_chain_cursors (stream, block_number, block_hash, block_time, "
            "updated_at) VALUES ('vault', $1, $2, $3, $3) ON CONFLICT (stream) DO UPDATE SET "
            "block_number = $1, block_hash = $2, block_time = $3, updated_at = $3",
            10**9, b"\x00" * 32, end + timedelta(days=3650),
        )  # fmt: skip
        await conn.execute("ANALYZE")


async def _run(sessions: async_sessionmaker[AsyncSession], day: date) -> RunResult:
    async with unit_of_work(sessions) as session:
        return await run_recon(session, day=day, now=datetime.now(UTC), requested_by="bench")


async def _obligations_alone(sessions: async_sessionmaker[AsyncSession]) -> float:
    """The obligations check by itself (part of each run): every day loaded so far, globally."""
    async with unit_of_work(sessions) as session:
        start = time.perf_counter()
        await reconcile_obligations(session)
        return time.perf_counter() - start


def _found(result: RunResult) -> Counter[tuple[str, str]]:
    return Counter((b.type, b.source) for b in result.breaks if b.state == "open")


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _measure(url: str, sizes: Sequence[int], figures: dict[str, float]) -> bool:
    """Prints each size's figures and adds them to ``figures`` (what ``--record`` writes)."""
    accounts, account_rows = _accounts()
    ok = True
    print(f"reconciliation run (run_recon, one day), load average {os.getloadavg()[0]:.1f}")
    header = f"{'orders':>8} {'load s':>7} {'run s':>7} {'orders/s':>9} {'rows/s':>9}"
    print(header + f" {'traced peak MiB':>15} {'maxrss MiB':>10}  breaks found / injected")
    conn = await asyncpg.connect(url)
    try:
        async with standalone_sessions(url) as sessions:
            for k, n in enumerate(sizes):
                day = FIRST_DAY + timedelta(days=k)
                start = time.perf_counter()
                rows = DayBuilder(day, accounts).build(n)
                await _copy(conn, account_rows if k == 0 else [], rows, day)
                loaded = time.perf_counter() - start
                start = time.perf_counter()
                first = await _run(sessions, day)
                seconds = time.perf_counter() - start
                tracemalloc.start()
                again = await _run(sessions, day)
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                found, twice = _found(first), _found(again)
                same = found == rows.injected == twice
                ok = ok and same
                figures[f"run_seconds_{n}"] = seconds
                figures[f"orders_per_second_{n}"] = n / seconds
                figures[f"peak_mib_{n}"] = peak / 2**20
                print(
                    f"{n:>8,} {loaded:>7.1f} {seconds:>7.2f} {n / seconds:>9,.0f} "
                    f"{rows.rows() / seconds:>9,.0f} {peak / 2**20:>15.0f} {_maxrss_mib():>10.0f}"
                    f"  {sum(found.values())} / {sum(rows.injected.values())}"
                    + ("" if same else "  DIFFER")
                )
                if not same:
                    for kind in sorted(set(found) | set(rows.injected) | set(twice)):
                        print(f"    {kind}: found {found[kind]} (again {twice[kind]}), "
                              f"injected {rows.injected[kind]}")  # fmt: skip
                print(
                    f"{'':>8} obligations check alone: {await _obligations_alone(sessions):.2f} s"
                )
    finally:
        await conn.close()
    print(f"rows per order: {rows.rows() / n:.1f} (deposit, order, line, entries, postings, event)")
    return ok


def main(sizes: Sequence[int], record_figures: bool = False) -> int:
    with tempfile.TemporaryDirectory(prefix="onramp-bench-recon-") as state_dir:
        pg = start_postgres(Path(state_dir), database="onramp")
        try:
            url = pg.url()
            settings = Settings()
            settings = settings.model_copy(
                update={"database": settings.database.model_copy(update={"url": url})}
            )
            upgrade(url, settings=settings)
            figures: dict[str, float] = {}
            ok = asyncio.run(_measure(url, sizes, figures))
        finally:
            pg.stop()
    if record_figures and ok:
        record.write("recon", figures)
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, help="one size only")
    parser.add_argument("--sizes", default="10000,30000,100000", help="comma-separated sizes")
    record.add_flag(parser)
    args = parser.parse_args()
    chosen = [args.orders] if args.orders else [int(s) for s in args.sizes.split(",")]
    sys.exit(main(chosen, record_figures=args.record))
