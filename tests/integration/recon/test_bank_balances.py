"""The bank's closing balance against the ledger's bank account on PostgreSQL: a statement
whose closing balance the ledger holds reports nothing; one the ledger does not hold is a
``balance_mismatch`` of the difference, and only that; a deposit the bank booked the next day
does not count on this one; a re-issued statement's balance replaces the first's."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import BankStatementBalance
from onramp.banking.statements.imports import import_statement
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.devstack.bank_sandbox_camt import CamtBooking, write_camt
from onramp.ledger import bank_account, credit, debit, entry, post_entry, transit_account
from tests.integration.banking.deposits import eur, expect
from tests.integration.recon.test_bank_recon import (
    ACCOUNT,
    _at,
    _bank,
    _booking,
    _day,
    _open,
    _run,
    _webhook,
)

pytestmark = pytest.mark.integration


async def _statement(
    sessions: async_sessionmaker[AsyncSession], bank: str, day: date, opening: str,
    *bookings: CamtBooking,
) -> None:  # fmt: skip
    data = write_camt(
        "camt.053", message_id=f"MSG-{uuid7().hex}", created_at=_at(day), account_iban=ACCOUNT,
        currency="EUR", bookings=bookings, opening=Decimal(opening), on=day,
    )  # fmt: skip
    async with unit_of_work(sessions) as session:
        await import_statement(session, bank=bank, data=data, filename="s.xml", now=_at(day))


async def _opening_in_the_books(
    sessions: async_sessionmaker[AsyncSession], bank: str, minor: int
) -> None:
    """What the account held before the books' first deposit: brought in by an entry."""
    async with unit_of_work(sessions) as session:
        await post_entry(
            session,
            entry(
                "bank_opening_balance", bank,
                debit(bank_account(bank, "EUR"), Money(minor, "EUR")),
                credit(transit_account("opening", "EUR"), Money(minor, "EUR")),
            ),
        )  # fmt: skip


def _closing(day: date) -> str:
    return f"closing@{day.isoformat()}:EUR"


async def test_a_closing_balance_the_ledger_holds_reports_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    await _opening_in_the_books(sessions, bank, 500_00)
    expected = await expect(sessions, eur(120_00))
    await _statement(sessions, bank, day, "500.00", _booking(day, "c-1", "120.00",
                                                             expected.reference))  # fmt: skip

    result = await _run(sessions, day)

    assert _open(result) == []
    assert result.matched["bank_balances"] == {"balances": 1}
    async with unit_of_work(sessions) as session:
        stored = (
            await session.execute(
                select(BankStatementBalance.kind, BankStatementBalance.amount)
                .where(BankStatementBalance.bank == bank)
                .order_by(BankStatementBalance.kind)
            )
        ).all()
    assert [(k, int(a)) for k, a in stored] == [("closing", 620_00), ("opening", 500_00)]


async def test_a_closing_balance_the_ledger_lacks_is_a_balance_mismatch_until_it_holds_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    expected = await expect(sessions, eur(120_00))
    await _statement(sessions, bank, day, "500.00", _booking(day, "c-1", "120.00",
                                                             expected.reference))  # fmt: skip

    missing = await _run(sessions, day)
    await _opening_in_the_books(sessions, bank, 500_00)
    held = await _run(sessions, day)

    assert _open(missing) == [("balance_mismatch", "bank", _closing(day), 500_00)]
    (found,) = missing.breaks
    assert (found.bank, found.currency) == (bank, "EUR")
    assert f"on {ACCOUNT} is 62000, the ledger's bank:{bank}:EUR 12000" in found.detail
    assert _open(held) == []


async def test_a_deposit_the_bank_booked_the_next_day_does_not_count_on_this_one(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    await _statement(sessions, bank, day, "0.00", _booking(day, "c-1", "10.00", "x"))
    # Written before the run (and before the day itself, on this test's clock), booked on D+1.
    await _webhook(sessions, bank, day + timedelta(days=1), "w-next", 7_00)

    result = await _run(sessions, day)

    assert _open(result) == []
    assert result.matched["bank_balances"] == {"balances": 1}


async def test_a_reissued_statement_replaces_the_first_ones_balance(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    await _statement(sessions, bank, day, "3.00", _booking(day, "c-1", "10.00", "x"))
    first = await _run(sessions, day)
    await _statement(sessions, bank, day, "0.00", _booking(day, "c-1", "10.00", "x"))
    reissued = await _run(sessions, day)

    assert _open(first) == [("balance_mismatch", "bank", _closing(day), 3_00)]
    assert _open(reissued) == []
