"""The trial balance: per currency, debits equal credits, and balances agree with postings."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.db import as_int, standalone_sessions, unit_of_work
from onramp.core.money import Money


@dataclass(frozen=True)
class CurrencyTotals:
    currency: str
    debits: Money
    credits: Money

    @property
    def net(self) -> Money:
        return self.debits - self.credits


@dataclass(frozen=True)
class AccountBalance:
    code: str
    kind: str
    balance: Money


@dataclass(frozen=True)
class TrialBalance:
    totals: list[CurrencyTotals]
    accounts: list[AccountBalance] = field(default_factory=list)
    # Accounts whose stored balance differs from the sum of their postings (should be none).
    drifted: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return not self.drifted and all(t.net.is_zero() for t in self.totals)


async def trial_balance(session: AsyncSession) -> TrialBalance:
    totals_rows = await session.execute(
        text(
            "SELECT currency, COALESCE(SUM(amount) FILTER (WHERE amount > 0), 0) AS debits, "
            "COALESCE(-SUM(amount) FILTER (WHERE amount < 0), 0) AS credits "
            "FROM postings GROUP BY currency ORDER BY currency"
        )
    )
    totals = [
        CurrencyTotals(
            currency=row.currency,
            debits=Money(as_int(row.debits), row.currency),
            credits=Money(as_int(row.credits), row.currency),
        )
        for row in totals_rows
    ]
    account_rows = await session.execute(
        text(
            "SELECT a.code, a.kind, a.currency, a.balance, COALESCE(p.total, 0) AS posted "
            "FROM ledger_accounts a LEFT JOIN ("
            "  SELECT account_id, SUM(amount) AS total FROM postings GROUP BY account_id"
            ") p ON p.account_id = a.id ORDER BY a.code"
        )
    )
    accounts: list[AccountBalance] = []
    drifted: list[str] = []
    for row in account_rows:
        accounts.append(
            AccountBalance(row.code, row.kind, Money(as_int(row.balance), row.currency))
        )
        if as_int(row.balance) != as_int(row.posted):
            drifted.append(row.code)
    return TrialBalance(totals=totals, accounts=accounts, drifted=drifted)


async def trial_balance_of_database(database_url: str) -> TrialBalance:
    """The trial balance of the database at ``database_url``, on a connection of its own."""
    async with standalone_sessions(database_url) as sessions, unit_of_work(sessions) as session:
        return await trial_balance(session)
