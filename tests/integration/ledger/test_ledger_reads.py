"""What the ledger answers besides posting: movements over a period (opening balance, debits and
credits within it), balances by account class, an account that must exist, and the trial
balance telling a stored balance that drifted from its postings."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.ledger import (
    AccountNotFound,
    balances_of_class,
    bank_account,
    credit,
    debit,
    entry,
    expense_account,
    movements,
    post_entries,
    post_entry,
    trial_balance,
)
from onramp.ledger.service import require_account

pytestmark = pytest.mark.integration

BANK = bank_account("sandbox", "EUR")


async def _spend(sessions: async_sessionmaker[AsyncSession], account: str, minor: int) -> datetime:
    """An expense booked in a transaction of its own; returns when it was booked."""
    async with unit_of_work(sessions) as session:
        amount = Money(minor, "EUR")
        await post_entry(
            session,
            entry("test_expense", uuid.uuid4().hex, debit(account, amount), credit(BANK, amount)),
        )
        booked: datetime = await session.scalar(select(func.now()))
    return booked


async def test_movements_split_the_opening_balance_from_the_period(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    account = expense_account(f"test{uuid.uuid4().hex[:8]}", "EUR")
    before = await _spend(sessions, account, 1_000)
    within = await _spend(sessions, account, 250)
    refund = Money(50, "EUR")
    async with unit_of_work(sessions) as session:
        await post_entry(
            session,
            entry("test_refund", uuid.uuid4().hex, debit(BANK, refund), credit(account, refund)),
        )
        found = await movements(
            session,
            account_class="expense",
            start=before + timedelta(microseconds=1),
            end=within + timedelta(days=1),
        )
        balances = dict(await balances_of_class(session, "expense"))
    mine = next(m for m in found if m.code == account)
    assert (mine.opening, mine.debits, mine.credits) == (1_000, 250, 50)
    assert balances[account] == Money(1_200, "EUR")


async def test_an_account_that_must_exist(session: AsyncSession) -> None:
    assert await post_entries(session, []) == []
    with pytest.raises(AccountNotFound):
        await require_account(session, expense_account("never-posted", "EUR"))
    assert isinstance(await require_account(session, BANK), uuid.UUID)


async def test_a_stored_balance_that_drifted_from_its_postings_is_reported(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    account = expense_account(f"drift{uuid.uuid4().hex[:8]}", "EUR")
    await _spend(sessions, account, 700)
    nudge = text("UPDATE ledger_accounts SET balance = balance + :d WHERE code = :code")
    async with unit_of_work(sessions) as session:
        await session.execute(nudge, {"d": 1, "code": account})
    try:
        async with unit_of_work(sessions) as session:
            books = await trial_balance(session)
        assert books.drifted == [account]
        assert not books.balanced
    finally:
        async with unit_of_work(sessions) as session:
            await session.execute(nudge, {"d": -1, "code": account})
    async with unit_of_work(sessions) as session:
        assert (await trial_balance(session)).balanced
