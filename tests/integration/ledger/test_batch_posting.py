"""A batch of entries costs the same few statements whatever its size, and each entry's postings
read back in the order its legs were given."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.ledger import (
    EntryDraft,
    balance_of,
    bank_account,
    credit,
    customer_account,
    debit,
    entries_about,
    entry,
    fees_account,
    fx_account,
    post_entries,
)
from tests.integration.sql_statements import counted_statements

pytestmark = pytest.mark.integration

BANK = bank_account("batchbank", "EUR")


def conversion(reference: str) -> EntryDraft:
    customer = uuid7()
    eur, usdc = Money(100_00, "EUR"), Money(107_000_000, "USDC")
    return entry(
        "test_conversion",
        reference,
        debit(customer_account(customer, "EUR"), eur),
        credit(fees_account("EUR"), Money(1_00, "EUR")),
        credit(fx_account("EUR"), Money(99_00, "EUR")),
        debit(fx_account("USDC"), usdc),
        credit(customer_account(customer, "USDC"), usdc),
    )


async def test_a_batch_of_300_entries_takes_as_many_statements_as_one(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    async def statements_for(size: int) -> int:
        drafts = [conversion(uuid7().hex) for _ in range(size)]
        with counted_statements(engine) as seen:
            async with unit_of_work(sessions) as session:
                assert len(await post_entries(session, drafts)) == size
        return len(seen)

    assert await statements_for(300) == await statements_for(1)


async def test_postings_read_back_in_the_order_of_the_legs(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    drafts = [conversion(uuid7().hex) for _ in range(50)]
    async with unit_of_work(sessions) as session:
        await post_entries(session, drafts)
        written = await entries_about(session, [d.reference for d in drafts])

    by_reference = {w.reference: w for w in written}
    for draft in drafts:
        lines = by_reference[draft.reference].postings
        assert [(p.account, p.amount) for p in lines] == [
            (leg.account, leg.amount.minor) for leg in draft.legs
        ]


async def test_a_replayed_batch_moves_no_balance(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    customer = uuid7()
    liability = customer_account(customer, "EUR")
    drafts = [
        entry(
            "test_deposit",
            uuid7().hex,
            debit(BANK, Money(m, "EUR")),
            credit(liability, Money(m, "EUR")),
        )
        for m in (1_00, 2_00, 3_00)
    ]
    async with unit_of_work(sessions) as session:
        assert len(await post_entries(session, drafts)) == 3
    async with unit_of_work(sessions) as session:
        assert await post_entries(session, [*drafts, *drafts]) == []
        assert await balance_of(session, liability) == Money(-6_00, "EUR")
