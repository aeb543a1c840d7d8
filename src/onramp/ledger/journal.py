"""Journal entries as people read them: every entry a cause wrote (an order id, a deposit id),
with its postings on account codes, in the order they were written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.ledger.models import JournalEntry, LedgerAccount, Posting


@dataclass(frozen=True)
class PostingLine:
    account: str
    currency: str
    amount: int  # minor units: debit positive, credit negative


@dataclass(frozen=True)
class JournalLines:
    kind: str
    reference: str
    created_at: datetime
    postings: tuple[PostingLine, ...]


async def entries_about(session: AsyncSession, references: Sequence[str]) -> list[JournalLines]:
    """The entries whose reference is one of ``references``, oldest first."""
    if not references:
        return []
    rows = await session.execute(
        select(JournalEntry, LedgerAccount.code, Posting.currency, Posting.amount)
        .join(Posting, Posting.entry_id == JournalEntry.id)
        .join(LedgerAccount, LedgerAccount.id == Posting.account_id)
        .where(JournalEntry.reference.in_(references))
        .order_by(JournalEntry.created_at, JournalEntry.id, Posting.id)
    )
    entries: dict[object, tuple[JournalEntry, list[PostingLine]]] = {}
    for entry, code, currency, amount in rows:
        entries.setdefault(entry.id, (entry, []))[1].append(
            PostingLine(code, currency, int(amount))
        )
    return [
        JournalLines(e.kind, e.reference, e.created_at, tuple(lines))
        for e, lines in entries.values()
    ]
