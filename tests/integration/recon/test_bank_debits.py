"""Bank ↔ ledger for debits on PostgreSQL: a refund paid and a deposit returned, each with its
line and its posting, report nothing; a debit paying no refund, a reversal with no deposit
reversal, a refund paid off by a minor unit or twice, and a refund the books paid that no line
books are each reported with their type and references, and only they."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import Refund, request_refund
from onramp.banking.models import BankStatementLine, Deposit
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.devstack.bank_sandbox_camt import CamtBooking
from onramp.ledger import post_entry
from onramp.recon.bank_fees import bank_fee_entry
from tests.integration.banking.deposits import eur
from tests.integration.recon.test_bank_recon import (
    ACCOUNT,
    _at,
    _bank,
    _booking,
    _day,
    _import,
    _open,
    _run,
    _webhook,
)

pytestmark = pytest.mark.integration


def _debit(
    day: date, entry_id: str, amount: str, e2e: str, *, reversal: bool = False
) -> CamtBooking:
    return CamtBooking(
        entry_id=entry_id, amount=Decimal(amount), currency="EUR", credit=False,
        booked_at=_at(day), end_to_end_id=e2e, reference="refund", party_name="Ada Lovelace",
        party_iban="DE89370400440532013000", reversal=reversal,
        return_reason="AC04" if reversal else None,
    )  # fmt: skip


async def _sent_refund(
    sessions: async_sessionmaker[AsyncSession], bank: str, day: date, entry_id: str, minor: int
) -> Refund:
    """A webhook's deposit in suspense, refunded whole, the refund handed to the bank."""
    await _webhook(sessions, bank, day, entry_id, minor)
    async with unit_of_work(sessions) as session:
        deposit = await session.scalar(
            select(Deposit).where(Deposit.bank == bank, Deposit.bank_entry_id == entry_id)
        )
        assert deposit is not None
        refund = await request_refund(
            session, deposit_id=deposit.id, amount=eur(minor), reason="unmatched",
            actor="test", now=_at(day),
        )  # fmt: skip
        await session.execute(update(Refund).where(Refund.id == refund.id).values(status="sent"))
    return refund


async def _paid_refund(
    sessions: async_sessionmaker[AsyncSession], bank: str, day: date, minor: int
) -> Refund:
    """A refund of a webhook's deposit, and the day's statement booking both."""
    refund = await _sent_refund(sessions, bank, day, "w-1", minor)
    amount = f"{minor / 100:.2f}"
    await _import(
        sessions, bank, day,
        _booking(day, "w-1", amount, "no reference"),
        _debit(day, "out-1", amount, refund.id.hex),
    )  # fmt: skip
    return refund


async def test_a_refund_paid_and_a_deposit_returned_report_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    refund = await _sent_refund(sessions, bank, day, "w-1", 15_00)
    await _import(
        sessions, bank, day,
        _booking(day, "w-1", "15.00", "no reference"),
        _debit(day, "out-1", "15.00", refund.id.hex),
        _booking(day, "c-2", "40.00", "unknown"),
        _debit(day, "ret-2", "40.00", "E2E-c-2", reversal=True),
    )  # fmt: skip

    result = await _run(sessions, day)

    assert _open(result) == []
    assert result.matched["bank_debits"] == {"lines": 2, "amounts": {"EUR": 55_00}}
    assert result.as_dict()["matched"]["bank"] == 4


async def test_a_debit_paying_no_refund_and_a_reversal_with_none_are_missing_in_the_ledger(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    await _import(sessions, bank, day, _booking(day, "c-1", "1.00", "x"))
    async with unit_of_work(sessions) as session:
        file_id = await session.scalar(
            select(BankStatementLine.first_file_id).where(BankStatementLine.bank == bank)
        )
        for key, reversal in (("fee-1", False), ("rev-1", True)):
            session.add(
                BankStatementLine(
                    id=uuid7(), bank=bank, entry_key=key, account=ACCOUNT, booking_date=day,
                    direction="debit", reversal=reversal, amount=3_00, currency="EUR",
                    end_to_end_id=None, first_file_id=file_id,
                )
            )  # fmt: skip

    result = await _run(sessions, day)

    assert _open(result) == [
        ("missing_in_ledger", "bank", "fee-1", 3_00),
        ("missing_in_ledger", "bank", "rev-1", 3_00),
    ]


async def test_a_refund_paid_off_by_one_minor_unit_or_twice_is_reported(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    twice = await _sent_refund(sessions, bank, day, "w-1", 20_00)
    off = await _sent_refund(sessions, bank, day, "w-2", 5_00)
    await _import(
        sessions, bank, day,
        _booking(day, "w-1", "20.00", "no reference"),
        _booking(day, "w-2", "5.00", "no reference"),
        _debit(day, "out-1", "20.00", twice.id.hex),
        _debit(day, "out-2", "20.00", twice.id.hex),
        _debit(day, "out-3", "5.00", off.id.hex),
    )  # fmt: skip
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(BankStatementLine)
            .where(BankStatementLine.bank == bank, BankStatementLine.entry_key == "out-3")
            .values(amount=BankStatementLine.amount + 1)
        )

    result = await _run(sessions, day)

    # The bank paid 20.00 once more than the books and 5.00 + 1 minor unit for 5.00.
    assert _open(result) == [
        ("amount_mismatch", "bank", "out-3", 1),
        ("balance_mismatch", "bank", f"closing@{day.isoformat()}:EUR", -20_00),
        ("duplicate", "bank", "out-2", 20_00),
    ]


async def test_a_refund_the_books_paid_that_no_line_books_is_missing_at_the_bank(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    refund = await _paid_refund(sessions, bank, day, 9_00)
    # The bank's line lost: the books say the refund was paid that day.
    async with unit_of_work(sessions) as session:
        await session.execute(
            text("DELETE FROM bank_statement_lines WHERE bank = :b AND entry_key = 'out-1'"),
            {"b": bank},
        )

    result = await _run(sessions, day)

    assert _open(result) == [("missing_at_bank", "bank", str(refund.id), 9_00)]


def _charge(day: date, entry_id: str, amount: str, code: str) -> CamtBooking:
    return replace(_debit(day, entry_id, amount, "NOTPROVIDED"), bank_tx_code=code)


async def test_a_charge_the_bank_took_is_matched_to_its_fee_entry_else_unbooked(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    async with unit_of_work(sessions) as session:
        await post_entry(session, bank_fee_entry(bank, "fee-booked", eur(2_50)))
        await post_entry(session, bank_fee_entry(bank, "fee-off", eur(1_00)))
    await _import(
        sessions, bank, day,
        _charge(day, "fee-booked", "2.50", "ACMT/MDOP/CHRG"),
        _charge(day, "fee-off", "1.01", "PMNT/RCDT/CHRG"),
        _charge(day, "fee-none", "0.75", "PMNT/ICDT/FEES"),
        _charge(day, "not-a-fee", "3.00", "PMNT/ICDT/ESCT"),
    )  # fmt: skip
    result = await _run(sessions, day)

    # The bank took 7.26 (overdrawn), the books 3.50: the unbooked, the unknown and 0.01.
    assert _open(result) == [
        ("amount_mismatch", "bank", "fee-off", 1),
        ("balance_mismatch", "bank", f"closing@{day.isoformat()}:EUR", -3_76),
        ("bank_fee_unbooked", "bank", "fee-none", 75),
        ("missing_in_ledger", "bank", "not-a-fee", 3_00),  # a transfer out, not a charge
    ]
    assert result.matched["bank_debits"] == {"lines": 1, "amounts": {"EUR": 2_50}}


async def test_a_refund_the_bank_gave_back_is_matched_as_the_credit_it_booked(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day, bank = _day(), _bank()
    refund = await _paid_refund(sessions, bank, day, 15_00)
    back = day + timedelta(days=1)
    returned = replace(
        _debit(back, "back-1", "15.00", refund.id.hex, reversal=True), credit=True
    )  # a credit reversing our debit (RvslInd), with its return reason
    await _import(sessions, bank, back, returned)

    result = await _run(sessions, back)

    assert _open(result) == []
    assert result.matched["bank"] == {"lines": 1, "amounts": {"EUR": 15_00}}
