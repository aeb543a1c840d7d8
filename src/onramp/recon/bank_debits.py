"""Bank ↔ ledger for one day's debits, line by line: a payment out pays a refund (its end-to-end
id is the refund's id) whose ``refund_paid`` entry took it off the bank's ledger account; a
reversal line takes back a deposit (``deposit_reversals``) whose ``deposit_reversal`` entry did
the same. A refund paid, or a reversal booked, that day that no line of the bank's files names
is missing at the bank once the files cover the day (timing before).

One query per table for the day, as for credits (``recon/bank.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import BankStatementLine, DepositReversal, Refund, RefundStatus, ReversalStatus
from onramp.ledger import JournalEntry, LedgerAccount, Posting
from onramp.recon.bank import Matched, covered_banks, day_span, one_of
from onramp.recon.bank_fees import is_charge, reconcile_fees
from onramp.recon.findings import Booking, Finding, duplicates
from onramp.recon.models import BreakSource, BreakType

DEBIT = "debit"
REFUND_PAID = "refund_paid"  # the entry a refund the bank booked posts (banking's refunds)
REVERSAL_ENTRY = "deposit_reversal"  # the entry a settled reversal posts
NOT_BOOKED_YET = (RefundStatus.REQUESTED.value, RefundStatus.SENT.value)

Span = tuple[datetime, datetime]  # the day, as [start, end) in UTC


@dataclass(frozen=True)
class DebitBook:
    """What the books hold for one day's debits: the refunds and reversals, and what each one's
    entry put on a bank account (negative: money out), by (entry kind, reference)."""

    refunds: dict[uuid.UUID, Refund]
    reversals: dict[tuple[str, str], DepositReversal]
    postings: dict[tuple[str, str], int]
    named: set[str]  # refund ids (hex) and reversal keys some debit line names, any day


def refund_id_of(end_to_end_id: str | None) -> uuid.UUID | None:
    """A refund's end-to-end id is its id in hex (banking's pain.001)."""
    if not end_to_end_id or len(end_to_end_id) != 32:
        return None
    try:
        return uuid.UUID(hex=end_to_end_id)
    except ValueError:
        return None


async def debit_lines(session: AsyncSession, day: date) -> Sequence[BankStatementLine]:
    rows = await session.scalars(
        select(BankStatementLine).where(
            BankStatementLine.booking_date == day, BankStatementLine.direction == DEBIT
        )
    )
    return rows.all()


async def _refunds(
    session: AsyncSession, lines: Sequence[BankStatementLine], day: Span
) -> dict[uuid.UUID, Refund]:
    """Refunds a line of the day names, and those the books say were paid that day."""
    ids = [i for i in (refund_id_of(x.end_to_end_id) for x in lines if not x.reversal) if i]
    start, end = day
    rows = await session.scalars(
        select(Refund).where(
            or_(
                one_of(Refund.id, ids),
                and_(Refund.completed_at >= start, Refund.completed_at < end),
            )
        )
    )
    return {r.id: r for r in rows}


async def _reversals(
    session: AsyncSession, lines: Sequence[BankStatementLine], day: Span
) -> dict[tuple[str, str], DepositReversal]:
    keys = [(x.bank, x.entry_key) for x in lines if x.reversal]
    start, end = day
    booked = and_(DepositReversal.booked_at >= start, DepositReversal.booked_at < end)
    named = tuple_(DepositReversal.bank, DepositReversal.bank_entry_id).in_(keys) if keys else None
    rows = await session.scalars(
        select(DepositReversal).where(or_(booked, named) if named is not None else booked)
    )
    return {(r.bank, r.bank_entry_id): r for r in rows}


async def _postings(session: AsyncSession, references: Sequence[str]) -> dict[tuple[str, str], int]:
    if not references:
        return {}
    rows = await session.execute(
        select(JournalEntry.kind, JournalEntry.reference, func.sum(Posting.amount))
        .join(Posting, Posting.entry_id == JournalEntry.id)
        .join(LedgerAccount, LedgerAccount.id == Posting.account_id)
        .where(
            JournalEntry.kind.in_((REFUND_PAID, REVERSAL_ENTRY)),
            one_of(JournalEntry.reference, references),
            LedgerAccount.code.startswith("bank:"),
        )
        .group_by(JournalEntry.kind, JournalEntry.reference)
    )
    return {(kind, reference): int(total) for kind, reference, total in rows}


async def _named(
    session: AsyncSession,
    refunds: Sequence[Refund],
    reversals: Sequence[DepositReversal],
) -> set[str]:
    """Which of the books' refunds and reversals some debit line names, on any day: a refund
    the bank booked the day before the books marked it paid is not missing at the bank."""
    hexes = [r.id.hex for r in refunds]
    keys = [(r.bank, r.bank_entry_id) for r in reversals]
    if not hexes and not keys:
        return set()
    conditions = []
    if hexes:
        conditions.append(one_of(BankStatementLine.end_to_end_id, hexes))
    if keys:
        conditions.append(tuple_(BankStatementLine.bank, BankStatementLine.entry_key).in_(keys))
    rows = await session.execute(
        select(
            BankStatementLine.bank, BankStatementLine.entry_key, BankStatementLine.end_to_end_id
        ).where(BankStatementLine.direction == DEBIT, or_(*conditions))
    )
    named: set[str] = set()
    for bank, entry_key, e2e in rows:
        named.add(f"{bank}:{entry_key}")
        if e2e:
            named.add(e2e)
    return named


async def debit_book(
    session: AsyncSession, lines: Sequence[BankStatementLine], day: Span
) -> DebitBook:
    refunds = await _refunds(session, lines, day)
    reversals = await _reversals(session, lines, day)
    references = [str(i) for i in refunds] + [str(r.id) for r in reversals.values()]
    postings = await _postings(session, references)
    named = await _named(session, list(refunds.values()), list(reversals.values()))
    return DebitBook(refunds, reversals, postings, named)


def duplicate_payments(lines: Sequence[BankStatementLine]) -> list[Finding]:
    """One refund paid twice: two payment lines with its end-to-end id and amount."""
    return duplicates(
        (
            Booking(x.bank, x.entry_key, x.end_to_end_id, int(x.amount), x.currency)
            for x in lines
            if not x.reversal and x.end_to_end_id and refund_id_of(x.end_to_end_id)
        ),
        as_="paid as",
    )


def _is_fee(line: BankStatementLine) -> bool:
    return not line.reversal and is_charge(line.bank_tx_code) and not (
        refund_id_of(line.end_to_end_id)
    )  # fmt: skip


async def reconcile_bank_debits(session: AsyncSession, day: date) -> tuple[Matched, list[Finding]]:
    span = day_span(day)
    every = await debit_lines(session, day)
    fees = [x for x in every if _is_fee(x)]
    lines = [x for x in every if not _is_fee(x)]
    book = await debit_book(session, lines, span)
    covered = await covered_banks(session, day)
    findings: list[Finding] = []
    matched = Matched()
    for line in lines:
        found, posted = line_findings(line, book)
        findings += found
        if not found and posted == -int(line.amount):
            matched.lines += 1
            matched.amounts[line.currency] += int(line.amount)
    for refund in book.refunds.values():
        findings += refund_findings(refund, book, covered, span)
    for reversal in book.reversals.values():
        findings += reversal_findings(reversal, book, covered, span)
    findings += duplicate_payments(lines)
    findings += await reconcile_fees(session, fees, matched)
    return matched, findings


def line_findings(line: BankStatementLine, book: DebitBook) -> tuple[list[Finding], int | None]:
    """The line's breaks, and the posting its refund's or reversal's entry made (if any)."""
    amount, currency = int(line.amount), line.currency
    if line.reversal:
        reversal = book.reversals.get((line.bank, line.entry_key))
        if reversal is None:
            return [
                _missing(line, "a reversal on the bank's statement with no deposit reversal")
            ], None
        expected, what = (int(reversal.amount), reversal.currency), f"reversal {reversal.id}"
        posted = book.postings.get((REVERSAL_ENTRY, str(reversal.id)))
    else:
        refund_id = refund_id_of(line.end_to_end_id)
        refund = book.refunds.get(refund_id) if refund_id else None
        if refund is None:
            return [_missing(line, "a debit on the bank's statement that pays no refund")], None
        expected, what = (int(refund.amount), refund.currency), f"refund {refund.id}"
        posted = book.postings.get((REFUND_PAID, str(refund.id)))
    if expected != (amount, currency):
        return [
            Finding(BreakType.AMOUNT_MISMATCH, BreakSource.BANK, line.bank, line.entry_key,
                    amount - expected[0], currency,
                    f"the bank booked {amount} {currency} out, {what} holds {expected[0]} "
                    f"{expected[1]} (minor units)")
        ], posted  # fmt: skip
    return [], posted


def _missing(line: BankStatementLine, detail: str) -> Finding:
    return Finding(BreakType.MISSING_IN_LEDGER, BreakSource.BANK, line.bank, line.entry_key,
                   int(line.amount), line.currency, detail)  # fmt: skip


def refund_findings(refund: Refund, book: DebitBook, covered: set[str], day: Span) -> list[Finding]:
    """The refund's posting on the bank account; and, paid that day, its line at the bank."""
    amount, reference = int(refund.amount), str(refund.id)
    posted = book.postings.get((REFUND_PAID, reference))
    findings = _posting(
        refund.bank, reference, amount, refund.currency, posted,
        booking=refund.status in NOT_BOOKED_YET, what=f"refund {refund.id} ({refund.status})",
    )  # fmt: skip
    completed = refund.completed_at
    if completed and day[0] <= completed < day[1] and refund.id.hex not in book.named:
        findings.append(
            _unreported(refund.bank, reference, amount, refund.currency, f"refund {refund.id}",
                        covered)
        )  # fmt: skip
    return findings


def reversal_findings(
    reversal: DepositReversal, book: DebitBook, covered: set[str], day: Span
) -> list[Finding]:
    amount, reference = int(reversal.amount), str(reversal.id)
    posted = book.postings.get((REVERSAL_ENTRY, reference))
    findings = _posting(
        reversal.bank, reference, amount, reversal.currency, posted,
        booking=reversal.status == ReversalStatus.RECEIVED.value,
        what=f"reversal {reversal.bank_entry_id} ({reversal.status})",
    )  # fmt: skip
    booked = day[0] <= reversal.booked_at < day[1]
    if booked and f"{reversal.bank}:{reversal.bank_entry_id}" not in book.named:
        findings.append(
            _unreported(reversal.bank, reversal.bank_entry_id, amount, reversal.currency,
                        f"reversal {reversal.id}", covered)
        )  # fmt: skip
    return findings


def _posting(
    bank: str, reference: str, amount: int, currency: str, posted: int | None, *,
    booking: bool, what: str,
) -> list[Finding]:  # fmt: skip
    """Money out takes ``amount`` off the bank account: a posting of ``-amount``."""
    if posted is None:
        kind = BreakType.TIMING if booking else BreakType.MISSING_IN_LEDGER
        return [
            Finding(kind, BreakSource.LEDGER, bank, reference, amount, currency,
                    f"{what} has no posting on the bank account")
        ]  # fmt: skip
    if -posted != amount:
        return [
            Finding(BreakType.AMOUNT_MISMATCH, BreakSource.LEDGER, bank, reference,
                    -posted - amount, currency,
                    f"the ledger took {-posted} off the bank account for {what} of {amount} "
                    "(minor units)")
        ]  # fmt: skip
    return []


def _unreported(
    bank: str, reference: str, amount: int, currency: str, what: str, covered: set[str]
) -> Finding:
    if bank in covered:
        kind, detail = BreakType.MISSING_AT_BANK, "no line of the bank's files books it"
    else:
        kind, detail = BreakType.TIMING, "the bank's files do not cover the day yet"
    return Finding(kind, BreakSource.BANK, bank, reference, amount, currency, f"{what}: {detail}")
