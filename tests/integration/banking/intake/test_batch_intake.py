"""A bank notification carrying many entries (as bank APIs batch them): each entry stored once,
announced once, with the same few statements whatever the batch's size."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.banking import DEPOSIT_RECEIVED, intake_notice
from onramp.banking.intake.service import IntakeResult
from onramp.banking.models import Deposit
from onramp.core.db import unit_of_work
from tests.integration.banking.deposits import BANK, bank_credit, eur, events_about, notice
from tests.integration.sql_statements import counted_statements

pytestmark = pytest.mark.integration


async def test_a_batch_stores_each_new_entry_once_and_counts_the_known_ones(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    known = bank_credit(eur(10_00), "no reference")
    async with unit_of_work(sessions) as session:
        await intake_notice(session, bank=BANK, notice=notice(known))
    fresh = [bank_credit(eur(20_00 + i), "no reference") for i in range(5)]

    async with unit_of_work(sessions) as session:
        # the known entry, five new ones, and the first new one twice in the same batch
        result = await intake_notice(session, bank=BANK, notice=notice(known, *fresh, fresh[0]))

    assert result == IntakeResult(received=5, duplicates=2)
    entry_ids = [c.entry_id for c in [known, *fresh]]
    async with unit_of_work(sessions) as session:
        rows = await session.execute(
            select(Deposit.bank_entry_id, func.count())
            .where(Deposit.bank_entry_id.in_(entry_ids))
            .group_by(Deposit.bank_entry_id)
        )
        counts = dict(rows.all())
        first = await session.scalar(
            select(Deposit.id).where(Deposit.bank_entry_id == fresh[0].entry_id)
        )
    assert counts == dict.fromkeys(entry_ids, 1)
    assert first is not None
    assert len(await events_about(sessions, DEPOSIT_RECEIVED, first)) == 1


async def test_a_batch_of_200_takes_as_many_statements_as_a_batch_of_one(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    async def statements_for(size: int) -> int:
        credits = [bank_credit(eur(1_00 + i), "no reference") for i in range(size)]
        with counted_statements(engine) as seen:
            async with unit_of_work(sessions) as session:
                result = await intake_notice(session, bank=BANK, notice=notice(*credits))
        assert result == IntakeResult(received=size, duplicates=0)
        return len(seen)

    assert await statements_for(200) == await statements_for(1)
