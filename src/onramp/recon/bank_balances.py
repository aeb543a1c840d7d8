"""The bank's closing booked balance of a day (camt.053 CLBD, MT940 :62F:) against the ledger's
``bank:<bank>:<ccy>`` account at the end of that day: what line-by-line matching cannot see (a
line no file reported, a posting with no line of its own, an entry of an earlier day) shows as a
``balance_mismatch``.

The ledger at the end of the day counts each entry by the day of what it books, where the books
know it: a deposit's and a reversal's bank booking time, a refund's payment; any other entry by
the time it was written. So a deposit the evening's statement brought in the next morning is
counted on the day the bank booked it. A bank's accounts in one currency add up (the ledger
holds one account per bank and currency). Two queries whatever the number of banks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import String, and_, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import BankStatementBalance, Deposit, DepositReversal, Refund
from onramp.ledger import JournalEntry, LedgerAccount, Posting, bank_account
from onramp.recon.bank import DEPOSIT_ENTRY, day_span
from onramp.recon.bank_debits import REFUND_PAID, REVERSAL_ENTRY
from onramp.recon.findings import Finding
from onramp.recon.models import BreakSource, BreakType

CLOSING = "closing"


@dataclass
class BalancesMatched:
    balances: int = 0  # (bank, currency) whose closing balance the ledger holds

    def as_dict(self) -> dict[str, Any]:
        return {"balances": self.balances}


@dataclass
class _Closing:
    amount: int = 0
    accounts: list[str] = field(default_factory=list)


async def closing_balances(session: AsyncSession, day: date) -> dict[tuple[str, str], _Closing]:
    """The day's closing balances by (bank, currency), each bank's accounts added up."""
    rows = await session.execute(
        select(
            BankStatementBalance.bank,
            BankStatementBalance.currency,
            BankStatementBalance.account,
            BankStatementBalance.amount,
        ).where(BankStatementBalance.balance_date == day, BankStatementBalance.kind == CLOSING)
    )
    closing: defaultdict[tuple[str, str], _Closing] = defaultdict(_Closing)
    for bank, currency, account, amount in rows:
        closing[(bank, currency)].amount += int(amount)
        closing[(bank, currency)].accounts.append(account or "?")
    return dict(closing)


def _ref(column: Any, kind: str) -> Any:
    return and_(JournalEntry.kind == kind, JournalEntry.reference == cast(column, String))


async def ledger_at_end_of(session: AsyncSession, day: date, codes: list[str]) -> dict[str, int]:
    """Each bank account's balance from the entries of the day or before (by what they book)."""
    if not codes:
        return {}
    _, end = day_span(day)
    booked = func.coalesce(
        Deposit.booked_at, DepositReversal.booked_at, Refund.completed_at, JournalEntry.created_at
    )
    rows = await session.execute(
        select(LedgerAccount.code, func.sum(Posting.amount))
        .join(Posting, Posting.account_id == LedgerAccount.id)
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .outerjoin(Deposit, _ref(Deposit.id, DEPOSIT_ENTRY))
        .outerjoin(DepositReversal, _ref(DepositReversal.id, REVERSAL_ENTRY))
        .outerjoin(Refund, _ref(Refund.id, REFUND_PAID))
        .where(LedgerAccount.code.in_(codes), booked < end)
        .group_by(LedgerAccount.code)
    )
    return {code: int(total) for code, total in rows}


async def reconcile_bank_balances(
    session: AsyncSession, day: date
) -> tuple[BalancesMatched, list[Finding]]:
    closing = await closing_balances(session, day)
    codes = {key: bank_account(*key) for key in closing}
    books = await ledger_at_end_of(session, day, list(codes.values()))
    matched, findings = BalancesMatched(), []
    for (bank, currency), stated in sorted(closing.items()):
        code = codes[(bank, currency)]
        held = books.get(code, 0)
        if held == stated.amount:
            matched.balances += 1
            continue
        findings.append(
            Finding(BreakType.BALANCE_MISMATCH, BreakSource.BANK, bank,
                    f"closing@{day.isoformat()}:{currency}", stated.amount - held, currency,
                    f"the bank's closing booked balance of {day.isoformat()} on "
                    f"{', '.join(sorted(stated.accounts))} is {stated.amount}, the ledger's "
                    f"{code} {held} at the end of the day (minor units)")
        )  # fmt: skip
    return matched, findings
