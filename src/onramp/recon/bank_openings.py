"""Each statement's opening balance against the previous statement's close on the same account:
the bank's own statements must chain. A gap between them (a booking no statement reported, a
statement never imported, a re-issued one with other figures) shows as ``opening_mismatch``.

The statement of day D is the one whose closing balance is dated D; its opening is the opening
balance the same file states for the account, dated D or before (banks date it D, or the day of
the previous close: MT940 often does). The previous close is the account's latest closing
balance dated before D, however many days back (weekends and holidays have no statement). An
account with no earlier close (its first statement) has nothing to chain to and is not counted.
One query whatever the number of accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from onramp.banking import BankStatementBalance
from onramp.recon.findings import Finding
from onramp.recon.models import BreakSource, BreakType

OPENING, CLOSING = "opening", "closing"


@dataclass
class OpeningsMatched:
    openings: int = 0  # accounts whose statement of D opens where the previous one closed

    def as_dict(self) -> dict[str, Any]:
        return {"openings": self.openings}


def _same_account(balance: Any, closing: Any) -> ColumnElement[bool]:
    return and_(
        balance.bank == closing.bank,
        balance.account == closing.account,
        balance.currency == closing.currency,
    )


async def reconcile_openings(
    session: AsyncSession, day: date
) -> tuple[OpeningsMatched, list[Finding]]:
    closing, opening, previous = (aliased(BankStatementBalance) for _ in range(3))
    opened = (
        select(opening.amount, opening.balance_date)
        .where(
            _same_account(opening, closing), opening.kind == OPENING,
            opening.file_id == closing.file_id, opening.balance_date <= day,
        )
        .order_by(opening.balance_date.desc())
        .limit(1)
        .lateral("opened")
    )  # fmt: skip
    before = (
        select(previous.amount, previous.balance_date)
        .where(
            _same_account(previous, closing),
            previous.kind == CLOSING,
            previous.balance_date < day,
        )
        .order_by(previous.balance_date.desc())
        .limit(1)
        .lateral("before")
    )
    rows = await session.execute(
        select(
            closing.bank, closing.account, closing.currency,
            opened.c.amount, opened.c.balance_date, before.c.amount, before.c.balance_date,
        )
        .select_from(closing)
        .join(opened, true())
        .join(before, true())
        .where(closing.balance_date == day, closing.kind == CLOSING)
        .order_by(closing.bank, closing.currency, closing.account)
    )  # fmt: skip
    matched, findings = OpeningsMatched(), []
    for bank, account, currency, opens, opened_on, closed, closed_on in rows:
        if int(opens) == int(closed):
            matched.openings += 1
            continue
        findings.append(
            Finding(BreakType.OPENING_MISMATCH, BreakSource.BANK, bank,
                    f"opening@{day.isoformat()}:{currency}:{account or '?'}",
                    int(opens) - int(closed), currency,
                    f"the statement of {day.isoformat()} on {account or '?'} opens at {opens} "
                    f"(dated {opened_on.isoformat()}), the previous one closed at {closed} on "
                    f"{closed_on.isoformat()} (minor units): a booking between them no statement "
                    "reported, or a statement not imported")
        )  # fmt: skip
    return matched, findings
