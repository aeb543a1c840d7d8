"""A day too large for one statement's bind parameters (asyncpg takes at most 32,767): the run's
look-ups bind a day's references as one array, and its breaks are stored in batches."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking.models import BankStatementLine
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.recon import run_recon
from onramp.recon.bank import one_of
from onramp.recon.runs import KEEP_BATCH
from tests.integration.recon.days import fresh_day

pytestmark = pytest.mark.integration


_day = fresh_day


async def _stray_lines(
    sessions: async_sessionmaker[AsyncSession], bank: str, day: date, n: int
) -> list[str]:
    """``n`` credit lines of the bank's statement that no deposit explains, in one INSERT."""
    keys = [f"stray-{i}" for i in range(n)]
    file_id = uuid7()
    rows = [
        {"id": uuid7(), "bank": bank, "entry_key": key, "account": "DE02120300000000202051",
         "booking_date": day, "direction": "credit", "reversal": False, "amount": 1_00 + i,
         "currency": "EUR", "end_to_end_id": None, "first_file_id": file_id}
        for i, key in enumerate(keys)
    ]  # fmt: skip
    async with unit_of_work(sessions) as session:
        await session.execute(insert(BankStatementLine), rows)
    return keys


async def test_one_of_binds_more_values_than_a_statement_may_have_parameters(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bank = f"lg{uuid7().hex[-10:]}"
    await _stray_lines(sessions, bank, _day(), 3)
    wanted = [f"absent-{i}" for i in range(40_000)] + ["stray-0", "stray-2"]

    async with unit_of_work(sessions) as session:
        found = await session.scalars(
            select(BankStatementLine.entry_key).where(
                BankStatementLine.bank == bank, one_of(BankStatementLine.entry_key, wanted)
            )
        )
        assert sorted(found) == ["stray-0", "stray-2"]


async def test_a_run_keeps_more_breaks_than_one_insert_holds_and_a_second_run_doubles_none(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), f"lg{uuid7().hex[-10:]}"
    n = KEEP_BATCH + 200
    keys = await _stray_lines(sessions, bank, day, n)

    results = []
    for _ in range(2):
        async with unit_of_work(sessions) as session:
            results.append(
                await run_recon(session, day=day, now=datetime.now(UTC), requested_by="test")
            )

    for result in results:
        ours = sorted(b.reference for b in result.breaks if b.bank == bank)
        assert ours == sorted(keys)
        assert {b.type for b in result.breaks if b.bank == bank} == {"missing_in_ledger"}
    assert {b.id for b in results[0].breaks} == {b.id for b in results[1].breaks}
