"""Concurrent posters on the same hot accounts queue instead of deadlocking or losing updates."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import defaultdict

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import as_int, unit_of_work
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.ledger import (
    EntryDraft,
    balance_of,
    bank_account,
    credit,
    customer_account,
    debit,
    entry,
    fees_account,
    post_entries,
    trial_balance,
)

pytestmark = pytest.mark.integration

TASKS = 8
ENTRIES_PER_TASK = 50
BANK = bank_account("sandbox", "EUR")
FEES = fees_account("EUR")


def deposit_with_fee(run: str, customer: uuid.UUID, minor: int, rng: random.Random) -> EntryDraft:
    amount, fee = Money(minor, "EUR"), Money(1 + minor % 7, "EUR")
    legs = [
        debit(BANK, amount),
        credit(customer_account(customer, "EUR"), amount - fee),
        credit(FEES, fee),
    ]
    rng.shuffle(legs)  # the legs, and so the accounts, come in varying order
    return entry("test_concurrent", f"{run}:{uuid7().hex}", *legs)


async def poster(
    sessions: async_sessionmaker[AsyncSession],
    run: str,
    customers: list[uuid.UUID],
    seed: int,
    batch: int,
) -> list[EntryDraft]:
    rng = random.Random(seed)
    drafts = [
        deposit_with_fee(run, rng.choice(customers), rng.randint(100, 100_000), rng)
        for _ in range(ENTRIES_PER_TASK)
    ]
    for start in range(0, len(drafts), batch):
        async with unit_of_work(sessions) as session:
            written = await post_entries(session, drafts[start : start + batch])
            assert len(written) == len(drafts[start : start + batch])
    return drafts


@pytest.mark.parametrize(
    "batch",
    [
        pytest.param(5, id="five-entries-per-unit-of-work"),
        pytest.param(ENTRIES_PER_TASK, id="all-entries-in-one-unit-of-work"),
    ],
)
@pytest.mark.parametrize("round_", [1, 2])
async def test_concurrent_posting_to_hot_accounts(
    sessions: async_sessionmaker[AsyncSession], batch: int, round_: int
) -> None:
    run = uuid7().hex
    # Customers shared by all tasks and created by whichever task comes first.
    customers = [uuid7() for _ in range(4)]
    expected: dict[str, int] = defaultdict(int)
    async with unit_of_work(sessions) as session:
        before = {code: (await balance_of(session, code)).minor for code in (BANK, FEES)}

    results = await asyncio.gather(
        *(
            poster(sessions, run, customers, seed=round_ * 100 + i, batch=batch)
            for i in range(TASKS)
        )
    )

    for drafts in results:
        for draft in drafts:
            for leg in draft.legs:
                expected[leg.account] += leg.amount.minor
    async with unit_of_work(sessions) as session:
        for customer in customers:
            code = customer_account(customer, "EUR")
            assert (await balance_of(session, code)).minor == expected[code]
        # Every entry of this run is there with its postings, and the stored balances moved by
        # exactly what was posted: no update was lost between concurrent writers.
        posted = await session.execute(
            text(
                "SELECT a.code, SUM(p.amount) AS total, COUNT(DISTINCT e.id) AS entries "
                "FROM journal_entries e JOIN postings p ON p.entry_id = e.id "
                "JOIN ledger_accounts a ON a.id = p.account_id "
                "WHERE e.kind = 'test_concurrent' AND e.reference LIKE :run "
                "GROUP BY a.code"
            ),
            {"run": f"{run}:%"},
        )
        by_code = {row.code: (as_int(row.total), row.entries) for row in posted}
        assert by_code[BANK] == (expected[BANK], TASKS * ENTRIES_PER_TASK)
        assert by_code[FEES] == (expected[FEES], TASKS * ENTRIES_PER_TASK)
        after = {code: (await balance_of(session, code)).minor for code in (BANK, FEES)}
        assert after[BANK] - before[BANK] == expected[BANK]
        assert after[FEES] - before[FEES] == expected[FEES]
        tb = await trial_balance(session)
        assert tb.drifted == []
        assert tb.balanced


async def test_concurrent_replays_of_the_same_entries_write_them_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    run = uuid7().hex
    customers = [uuid7() for _ in range(3)]
    rng = random.Random(7)
    drafts = [
        deposit_with_fee(run, rng.choice(customers), rng.randint(100, 10_000), rng)
        for _ in range(10)
    ]

    async def replay(seed: int) -> int:
        mine = list(drafts)
        random.Random(seed).shuffle(mine)
        async with unit_of_work(sessions) as session:
            return len(await post_entries(session, mine))

    written = await asyncio.gather(*(replay(i) for i in range(TASKS)))

    assert sum(written) == len(drafts)
    expected: dict[str, int] = defaultdict(int)
    for draft in drafts:
        for leg in draft.legs:
            expected[leg.account] += leg.amount.minor
    async with unit_of_work(sessions) as session:
        for customer in customers:
            code = customer_account(customer, "EUR")
            assert (await balance_of(session, code)).minor == expected[code]
