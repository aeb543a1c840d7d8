"""Importing a bank statement file into the deposit inbox.

Credits become deposits through the same insert as the webhook (one per bank and booking
reference), reversals of credits become deposit reversals (one per bank and booking reference),
then both are settled in the same transaction: new deposits matched, reversals booked. So a
camt.054 notification, the evening's camt.053 and the webhook for one booking make one deposit,
and the counts the import reports are what happened. Each file is recorded once by its sha256:
importing it again reports it as already imported and changes nothing.

Debits that take nothing back (outgoing payments: refunds, micro-deposits) are counted and left
to the flows that made them; pending and information-only entries are counted as skipped.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking.accounts.customer_accounts import DEFAULT_HOLDER_NAME_MIN_SCORE
from onramp.banking.adapters.base import BankCredit, BankReversal
from onramp.banking.booking.deposit_booking import DEFAULT_RULES, match_deposits
from onramp.banking.booking.payment_rules import PaymentRules
from onramp.banking.booking.returns import OrderFunds, Settlement, settle_reversals
from onramp.banking.errors import BankFileAccountUnknown
from onramp.banking.formats import Statement, StatementEntry, parse_statement
from onramp.banking.intake.reversals import insert_reversals
from onramp.banking.intake.service import insert_credits, parse_reference
from onramp.banking.models import BankFile, BankFileSource, Deposit
from onramp.banking.refunding.files import confirm_refund_booked
from onramp.banking.statements.lines import store_lines
from onramp.core.audit import record
from onramp.core.ids import uuid7


@dataclass(frozen=True)
class ImportCounts:
    entries: int = 0
    credits: int = 0
    debits: int = 0
    received: int = 0  # new deposits
    duplicates: int = 0  # credits and reversals already known (webhook or an earlier file)
    reversals: int = 0  # entries taking back a credit
    skipped: int = 0  # not booked: pending (PDNG) or information only (INFO)
    matched: int = 0
    unmatched: int = 0
    reversals_booked: int = 0
    reversals_review: int = 0
    reversals_unknown: int = 0
    refunds_booked: int = 0  # debits paying our refunds (their end-to-end id is the refund's)


@dataclass(frozen=True)
class ImportReport:
    filename: str
    sha256: str
    format: str
    message_id: str | None
    account: str | None
    already_imported: bool
    counts: ImportCounts
    warnings: tuple[str, ...] = ()
    file_id: uuid.UUID | None = None
    deposit_ids: tuple[uuid.UUID, ...] = field(default=(), repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "sha256": self.sha256,
            "format": self.format,
            "message_id": self.message_id,
            "account": self.account,
            "already_imported": self.already_imported,
            **asdict(self.counts),
            "warnings": list(self.warnings),
        }


def _reference_text(e: StatementEntry) -> str:
    # A structured reference that is an RF reference is what customers are told to send; a
    # bank's own structured reference (a Finnish 3900) is not, so the free text is read then.
    if e.creditor_reference and parse_reference(e.creditor_reference):
        return e.creditor_reference
    return e.remittance or e.creditor_reference or ""


def _booked_at(e: StatementEntry, now: datetime) -> datetime:
    return datetime.combine(e.booking_date, time(), tzinfo=UTC) if e.booking_date else now


def _credit(e: StatementEntry, account: str | None, now: datetime) -> BankCredit:
    return BankCredit(
        entry_id=e.key,
        amount=e.amount,
        reference_text=_reference_text(e),
        sender_name=e.counterparty_name or "",
        sender_iban=e.counterparty_account or "",
        account_iban=account or "",
        booked_at=_booked_at(e, now),
        end_to_end_id=e.end_to_end_id,
    )


def _reversal(e: StatementEntry, now: datetime) -> BankReversal:
    return BankReversal(
        entry_id=e.key,
        amount=e.amount,
        booked_at=_booked_at(e, now),
        original_entry_id=e.original_key,
        end_to_end_id=e.end_to_end_id,
        return_reason=e.return_reason,
    )


def account_key(account: str) -> str:
    return "".join(account.split()).upper()


def _check_accounts(statement: Statement, accounts: frozenset[str]) -> None:
    """A file about someone else's account must not credit anyone here."""
    accepted = {account_key(a) for a in accounts}
    foreign = sorted(
        {
            e.account or "an unnamed account"
            for e in statement.entries
            if e.account is None or account_key(e.account) not in accepted
        }
    )
    if foreign:
        raise BankFileAccountUnknown(
            f"entries on {', '.join(foreign)}; accepted: {', '.join(sorted(accepted))}"
        )


async def _known(session: AsyncSession, digest: str) -> BankFile | None:
    found: BankFile | None = await session.scalar(select(BankFile).where(BankFile.sha256 == digest))
    return found


async def _claim(
    session: AsyncSession, *, digest: str, bank: str, filename: str, statement: Statement,
    source: BankFileSource, now: datetime,
) -> uuid.UUID | None:  # fmt: skip
    """Record the file first: a concurrent import of the same bytes waits here, then finds it."""
    file_id = uuid7()
    claimed = await session.scalar(
        insert(BankFile)
        .values(
            id=file_id,
            sha256=digest,
            bank=bank,
            filename=filename[:255],
            format=statement.format.value,
            message_id=(statement.message_id or "")[:200] or None,
            source=source.value,
            counts={},
            imported_at=now,
        )
        .on_conflict_do_nothing(index_elements=["sha256"])
        .returning(BankFile.id)
    )
    return claimed


async def _statuses(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Counter[str]:
    if not ids:
        return Counter()
    rows = await session.scalars(select(Deposit.status).where(Deposit.id.in_(ids)))
    return Counter(rows.all())


def _already(filename: str, digest: str, known: BankFile) -> ImportReport:
    return ImportReport(
        filename=filename,
        sha256=digest,
        format=known.format,
        message_id=known.message_id,
        account=None,
        already_imported=True,
        counts=ImportCounts(**known.counts) if known.counts else ImportCounts(),
        file_id=known.id,
    )


@dataclass(frozen=True)
class _Booked:
    """What the file's booked entries did to the inbox."""

    entries: tuple[StatementEntry, ...]
    credits: int
    takebacks: int
    new_ids: Sequence[uuid.UUID]
    new_reversals: Sequence[uuid.UUID]
    settled: Settlement
    refunds_booked: int


async def _confirm_refunds(
    session: AsyncSession, booked: Sequence[StatementEntry], now: datetime
) -> int:
    """Debits paying our refunds (their end-to-end id is the refund's) confirm them."""
    refunds_booked = 0
    for e in booked:
        if not e.is_credit and not e.takes_back_credit and e.end_to_end_id:
            refund = await confirm_refund_booked(session, end_to_end=e.end_to_end_id, now=now)
            refunds_booked += refund is not None
    return refunds_booked


async def _book_entries(
    session: AsyncSession, statement: Statement, *, bank: str, now: datetime,
    order_funds: OrderFunds | None, min_holder_score: float, rules: PaymentRules,
) -> _Booked:  # fmt: skip
    """Insert credits and reversals, match the new deposits, settle the new reversals."""
    booked = tuple(e for e in statement.entries if e.booked)
    credits = [_credit(e, statement.account, now) for e in booked if e.is_credit]
    takebacks = [_reversal(e, now) for e in booked if e.takes_back_credit]
    kind = statement.format.value
    new_ids = await insert_credits(session, bank=bank, credits=credits, source=kind)
    new_reversals = await insert_reversals(
        session, bank=bank, reversals=takebacks, source=kind, now=now
    )
    await match_deposits(
        session, deposit_ids=new_ids, min_holder_score=min_holder_score, rules=rules, now=now
    )
    settled = await settle_reversals(
        session, reversal_ids=new_reversals, order_funds=order_funds, now=now
    )
    return _Booked(
        entries=booked,
        credits=len(credits),
        takebacks=len(takebacks),
        new_ids=new_ids,
        new_reversals=new_reversals,
        settled=settled,
        refunds_booked=await _confirm_refunds(session, booked, now),
    )


def _counts(statement: Statement, done: _Booked, statuses: Counter[str]) -> ImportCounts:
    return ImportCounts(
        entries=len(statement.entries),
        credits=len(statement.credits),
        debits=len(statement.debits),
        received=len(done.new_ids),
        duplicates=done.credits - len(done.new_ids) + done.takebacks - len(done.new_reversals),
        reversals=done.takebacks,
        skipped=len(statement.entries) - len(done.entries),
        matched=statuses["matched"],
        unmatched=statuses["unmatched"],
        reversals_booked=done.settled.booked,
        reversals_review=done.settled.review,
        reversals_unknown=done.settled.unknown,
        refunds_booked=done.refunds_booked,
    )


async def _record_counts(
    session: AsyncSession, file_id: uuid.UUID, counts: ImportCounts, *,
    filename: str, digest: str, kind: str, source: BankFileSource,
) -> None:  # fmt: skip
    await session.execute(
        update(BankFile).where(BankFile.id == file_id).values(counts=asdict(counts))
    )
    await record(
        session,
        actor=f"system:bank_import:{source.value}",
        action="bank_file.imported",
        entity_type="bank_file",
        entity_id=str(file_id),
        data={"filename": filename, "sha256": digest, "format": kind, **asdict(counts)},
    )


async def import_statement(
    session: AsyncSession,
    *,
    bank: str,
    data: bytes,
    filename: str,
    now: datetime,
    source: BankFileSource = BankFileSource.CLI,
    order_funds: OrderFunds | None = None,
    min_holder_score: float = DEFAULT_HOLDER_NAME_MIN_SCORE,
    rules: PaymentRules = DEFAULT_RULES,
    accounts: frozenset[str] | None = None,
) -> ImportReport:
    """Import one file in the caller's transaction; raises the format's error (nothing
    changed) when the file cannot be read, and ``bank_file_account_unknown`` when an entry
    was booked on an account outside ``accounts`` (None: not checked)."""
    digest = hashlib.sha256(data).hexdigest()
    known = await _known(session, digest)
    if known is not None:
        return _already(filename, digest, known)
    statement = parse_statement(data)
    if accounts is not None:
        _check_accounts(statement, accounts)
    file_id = await _claim(
        session, digest=digest, bank=bank, filename=filename, statement=statement,
        source=source, now=now,
    )  # fmt: skip
    if file_id is None:  # imported concurrently a moment ago
        known = await _known(session, digest)
        assert known is not None
        return _already(filename, digest, known)
    await store_lines(session, bank=bank, file_id=file_id, statement=statement)
    done = await _book_entries(
        session, statement, bank=bank, now=now, order_funds=order_funds,
        min_holder_score=min_holder_score, rules=rules,
    )  # fmt: skip
    counts = _counts(statement, done, await _statuses(session, done.new_ids))
    kind = statement.format.value
    await _record_counts(
        session, file_id, counts, filename=filename, digest=digest, kind=kind, source=source
    )
    return ImportReport(
        filename=filename,
        sha256=digest,
        format=kind,
        message_id=statement.message_id,
        account=statement.account,
        already_imported=False,
        counts=counts,
        warnings=statement.warnings,
        file_id=file_id,
        deposit_ids=tuple(done.new_ids),
    )
