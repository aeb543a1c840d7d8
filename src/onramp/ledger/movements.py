"""Account movements over a period: the opening balance, debits and credits of each account of a
class (e.g. every ``fx:<ccy>``), by the time their journal entries were written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.ledger.models import JournalEntry, LedgerAccount, Posting


@dataclass(frozen=True)
class AccountMovement:
    code: str
    currency: str
    opening: int  # minor units, debits positive, credits negative, before ``start``
    debits: int  # sum of debits in [start, end)
    credits: int  # sum of credits in [start, end), as a positive number


async def movements(
    session: AsyncSession, *, account_class: str, start: datetime, end: datetime
) -> list[AccountMovement]:
    """Every account whose code starts with ``<account_class>:``, by code."""
    before = JournalEntry.created_at < start
    within = (JournalEntry.created_at >= start) & (JournalEntry.created_at < end)
    rows = await session.execute(
        select(
            LedgerAccount.code,
            LedgerAccount.currency,
            func.coalesce(func.sum(case((before, Posting.amount), else_=0)), 0),
            func.coalesce(
                func.sum(case((within & (Posting.amount > 0), Posting.amount), else_=0)), 0
            ),
            func.coalesce(
                func.sum(case((within & (Posting.amount < 0), -Posting.amount), else_=0)), 0
            ),
        )
        .join(Posting, Posting.account_id == LedgerAccount.id)
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .where(LedgerAccount.code.startswith(f"{account_class}:"), JournalEntry.created_at < end)
        .group_by(LedgerAccount.code, LedgerAccount.currency)
        .order_by(LedgerAccount.code)
    )
    return [
        AccountMovement(code, currency, int(opening), int(debits), int(credits))
        for code, currency, opening, debits, credits in rows
    ]
