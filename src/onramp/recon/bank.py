"""Bank ↔ ledger for one day, line by line: every credit the bank's files booked that day has
its deposit and the deposit its posting on the bank's ledger account, of the same amount; every
deposit booked that day (a webhook's too) has its line once the bank's files cover the day.

One query per table for the whole day (lines, deposits, postings), matched in memory: a day of
100,000 bookings is three round trips, not 300,000.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, any_, func, literal, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import BankStatementLine, Deposit, DepositStatus
from onramp.ledger import JournalEntry, LedgerAccount, Posting
from onramp.recon.findings import Booking, Finding, duplicates
from onramp.recon.models import BreakSource, BreakType

CREDIT = "credit"
DEPOSIT_ENTRY = "deposit"  # the journal entry kind a booked deposit posts (banking's booking)
COVERAGE_WINDOW = timedelta(days=7)  # a bank's files after a day that say it was covered


@dataclass
class Matched:
    lines: int = 0
    amounts: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {"lines": self.lines, "amounts": dict(sorted(self.amounts.items()))}


@dataclass(frozen=True)
class _Deposit:
    id: uuid.UUID
    bank: str
    entry_key: str
    amount: int
    currency: str
    status: str
    booked_on: date
    end_to_end_id: str | None


def one_of(column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN (values)`` as ``column = ANY(:array)``: one bind parameter however many
    values (asyncpg refuses a statement of more than 32,767; a day holds 100,000 deposits)."""
    condition: ColumnElement[bool] = column == any_(literal(list(values), ARRAY(column.type)))
    return condition


def day_span(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


async def _lines(session: AsyncSession, day: date) -> Sequence[BankStatementLine]:
    """The day's credits, a credit giving back one of our debits (a refund the bank returned)
    too: the import made a deposit of it like of any credit, so it is matched like one."""
    rows = await session.scalars(
        select(BankStatementLine).where(
            BankStatementLine.booking_date == day, BankStatementLine.direction == CREDIT
        )
    )
    return rows.all()


async def _deposits(session: AsyncSession, day: date) -> list[_Deposit]:
    """The deposits booked that day, and those a credit line of the day names."""
    start, end = day_span(day)
    named_by_a_line = (
        select(BankStatementLine.id)
        .where(
            BankStatementLine.bank == Deposit.bank,
            BankStatementLine.entry_key == Deposit.bank_entry_id,
            BankStatementLine.booking_date == day,
        )
        .exists()
    )
    rows = await session.execute(
        select(
            Deposit.id,
            Deposit.bank,
            Deposit.bank_entry_id,
            Deposit.amount,
            Deposit.currency,
            Deposit.status,
            Deposit.booked_at,
            Deposit.end_to_end_id,
        ).where(or_(and_(Deposit.booked_at >= start, Deposit.booked_at < end), named_by_a_line))
    )
    return [
        _Deposit(r[0], r[1], r[2], int(r[3]), r[4], r[5], r[6].astimezone(UTC).date(), r[7])
        for r in rows
    ]


async def bank_postings(
    session: AsyncSession, kind: str, references: Sequence[str]
) -> dict[str, int]:
    """What each entry of ``kind`` put on a bank account, by its reference."""
    if not references:
        return {}
    rows = await session.execute(
        select(JournalEntry.reference, func.sum(Posting.amount))
        .join(Posting, Posting.entry_id == JournalEntry.id)
        .join(LedgerAccount, LedgerAccount.id == Posting.account_id)
        .where(
            JournalEntry.kind == kind,
            one_of(JournalEntry.reference, references),
            LedgerAccount.code.startswith("bank:"),
        )
        .group_by(JournalEntry.reference)
    )
    return {reference: int(total) for reference, total in rows}


async def covered_banks(session: AsyncSession, day: date) -> set[str]:
    """Banks whose files reported bookings of ``day`` or of the days just after: a deposit of
    the day that none of their lines names is missing at the bank, not late. A bank that
    reported nothing for a week after the day is read as not yet covering it; the window keeps
    the read to a few days' lines however old the day is."""
    rows = await session.scalars(
        select(BankStatementLine.bank)
        .where(
            BankStatementLine.booking_date >= day,
            BankStatementLine.booking_date < day + COVERAGE_WINDOW,
        )
        .distinct()
    )
    return set(rows.all())


async def reconcile_bank(session: AsyncSession, day: date) -> tuple[Matched, list[Finding]]:
    lines = await _lines(session, day)
    deposits = await _deposits(session, day)
    by_key = {(d.bank, d.entry_key): d for d in deposits}
    postings = await bank_postings(session, DEPOSIT_ENTRY, [str(d.id) for d in deposits])
    covered = await covered_banks(session, day)
    findings: list[Finding] = []
    matched = Matched()
    for line in lines:
        deposit = by_key.get((line.bank, line.entry_key))
        found = _line_findings(line, deposit)
        findings += found
        if deposit is not None and not found and postings.get(str(deposit.id)) == deposit.amount:
            matched.lines += 1
            matched.amounts[line.currency] += int(line.amount)
    line_keys = {(line.bank, line.entry_key) for line in lines}
    for deposit in deposits:
        findings += _posting_findings(deposit, postings.get(str(deposit.id)))
        if deposit.booked_on == day and (deposit.bank, deposit.entry_key) not in line_keys:
            findings.append(_unreported(deposit, covered))
    findings += _duplicates([d for d in deposits if d.booked_on == day])
    return matched, findings


def _line_findings(line: BankStatementLine, deposit: _Deposit | None) -> list[Finding]:
    amount, currency = int(line.amount), line.currency
    if deposit is None:
        return [
            Finding(BreakType.MISSING_IN_LEDGER, BreakSource.BANK, line.bank, line.entry_key,
                    amount, currency, "a credit on the bank's statement with no deposit")
        ]  # fmt: skip
    if (deposit.amount, deposit.currency) != (amount, currency):
        return [
            Finding(BreakType.AMOUNT_MISMATCH, BreakSource.BANK, line.bank, line.entry_key,
                    amount - deposit.amount, currency,
                    f"the bank booked {amount} {currency}, the deposit {deposit.id} holds "
                    f"{deposit.amount} {deposit.currency} (minor units)")
        ]  # fmt: skip
    return []


def _posting_findings(deposit: _Deposit, posted: int | None) -> list[Finding]:
    reference = str(deposit.id)
    if posted is None:
        kind = BreakType.TIMING if deposit.status == DepositStatus.RECEIVED else (
            BreakType.MISSING_IN_LEDGER
        )  # fmt: skip
        return [
            Finding(kind, BreakSource.LEDGER, deposit.bank, reference, deposit.amount,
                    deposit.currency, f"deposit {deposit.entry_key} has no posting on the bank "
                    f"account (status {deposit.status})")
        ]  # fmt: skip
    if posted != deposit.amount:
        return [
            Finding(BreakType.AMOUNT_MISMATCH, BreakSource.LEDGER, deposit.bank, reference,
                    posted - deposit.amount, deposit.currency,
                    f"the ledger posted {posted} on the bank account for deposit "
                    f"{deposit.entry_key} of {deposit.amount} (minor units)")
        ]  # fmt: skip
    return []


def _unreported(deposit: _Deposit, covered: set[str]) -> Finding:
    if deposit.bank in covered:
        kind, detail = BreakType.MISSING_AT_BANK, "no line of the bank's files books it"
    else:
        kind, detail = BreakType.TIMING, "the bank's files do not cover the day yet"
    return Finding(kind, BreakSource.BANK, deposit.bank, deposit.entry_key, deposit.amount,
                   deposit.currency, f"deposit {deposit.id}: {detail}")  # fmt: skip


def _duplicates(deposits: Sequence[_Deposit]) -> list[Finding]:
    return duplicates(
        (
            Booking(d.bank, d.entry_key, d.end_to_end_id, d.amount, d.currency)
            for d in deposits
            if d.end_to_end_id and d.end_to_end_id != "NOTPROVIDED"
        ),
        as_="booked as",
    )
