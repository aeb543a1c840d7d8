"""Each statement's opening balance against the previous statement's close on PostgreSQL:
statements that chain report nothing, across a weekend too; a gap between them (a statement not
imported) is an ``opening_mismatch`` of the difference, and only that; an account's first
statement has nothing to chain to; BAI2's 010/015 ledger balances chain like camt's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking.statements.imports import import_statement
from onramp.core.db import unit_of_work
from onramp.recon.runs import RunResult
from tests.integration.recon.test_bank_balances import _statement
from tests.integration.recon.test_bank_recon import ACCOUNT, _at, _bank, _booking, _day, _run

pytestmark = pytest.mark.integration


def _openings(result: RunResult, bank: str) -> list[tuple[str, str, str, int]]:
    """This test's bank's opening breaks (other tests' banks may share its random day)."""
    return sorted(
        (b.type, b.source, b.reference, int(b.amount))
        for b in result.breaks
        if b.state == "open" and b.type == "opening_mismatch" and b.bank == bank
    )


def _ref(day: date, account: str = ACCOUNT, currency: str = "EUR") -> str:
    return f"opening@{day.isoformat()}:{currency}:{account}"


async def test_statements_that_chain_report_nothing_across_a_weekend(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    friday, bank = _day(), _bank()
    monday = friday + timedelta(days=3)
    await _statement(sessions, bank, friday, "100.00", _booking(friday, "c-1", "20.00", "x"))
    await _statement(sessions, bank, monday, "120.00", _booking(monday, "c-2", "5.00", "y"))

    first, chained = await _run(sessions, friday), await _run(sessions, monday)

    assert first.matched["bank_openings"] == {"openings": 0}  # nothing before it: not counted
    assert chained.matched["bank_openings"] == {"openings": 1}
    assert _openings(first, bank) == _openings(chained, bank) == []


async def test_a_statement_missing_between_two_is_an_opening_mismatch_of_the_gap(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    await _statement(sessions, bank, day, "100.00", _booking(day, "c-1", "20.00", "x"))
    # Day+1's statement (a credit of 7.50) never reached us; day+2 opens where it closed.
    later = day + timedelta(days=2)
    await _statement(sessions, bank, later, "127.50", _booking(later, "c-3", "1.00", "z"))

    result = await _run(sessions, later)

    assert _openings(result, bank) == [("opening_mismatch", "bank", _ref(later), 7_50)]
    (found,) = [b for b in result.breaks if b.type == "opening_mismatch"]
    assert found.bank == bank
    assert f"opens at 12750 (dated {later.isoformat()})" in found.detail
    assert f"closed at 12000 on {day.isoformat()}" in found.detail


async def test_the_missing_statement_imported_later_clears_the_break(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    between, later = day + timedelta(days=1), day + timedelta(days=2)
    await _statement(sessions, bank, day, "100.00", _booking(day, "c-1", "20.00", "x"))
    await _statement(sessions, bank, later, "127.50", _booking(later, "c-3", "1.00", "z"))
    gap = await _run(sessions, later)
    await _statement(sessions, bank, between, "120.00", _booking(between, "c-2", "7.50", "y"))

    again = await _run(sessions, later)

    assert _openings(gap, bank) == [("opening_mismatch", "bank", _ref(later), 7_50)]
    assert _openings(again, bank) == []


def _bai2(on: date, account: str, opening: int, closing: int) -> bytes:
    d = on.strftime("%y%m%d")
    lines = [
        f"01,BANKID,ONRAMP,{d},0800,{d}{account[-3:]},,,2/",  # the file id: one per file
        f"02,ONRAMP,BANKID,1,{d},2359,USD,2/",
        f"03,{account},USD,010,{opening},,,015,{closing},,,040,{closing},,/",
        f"49,{opening + 2 * closing},2/",
        "98,0,1,4/",
        "99,0,1,6/",
    ]
    return "\n".join(lines).encode()


async def test_bai2_ledger_balances_chain_and_a_gap_is_reported(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank, account = _day(), _bank(), "9"
    nxt, after = day + timedelta(days=1), day + timedelta(days=2)
    for on, opening, closing in ((day, 500, 700), (nxt, 700, 650), (after, 600, 600)):
        async with unit_of_work(sessions) as session:
            await import_statement(session, bank=bank, data=_bai2(on, account, opening, closing),
                                   filename="s.bai", now=_at(on))  # fmt: skip

    chained, gap = await _run(sessions, nxt), await _run(sessions, after)

    assert chained.matched["bank_openings"] == {"openings": 1}
    assert _openings(chained, bank) == []
    assert _openings(gap, bank) == [("opening_mismatch", "bank", _ref(after, account, "USD"), -50)]
