"""Each treasury wallet's USDC on the chain against its ledger account (``chain:<wallet>:USDC``)
at the same point: the balance the chain reader took at the last block it read on the day,
against the postings of the entries written by that block's time (plus ``LAG``: the books
follow the chain, e.g. a payout's entry is written on its confirmation, seconds after the
block). Two queries whatever the number of wallets.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.ledger import JournalEntry, LedgerAccount, Posting
from onramp.recon.bank import day_span
from onramp.recon.findings import Finding
from onramp.recon.models import BreakSource, BreakType, ChainBalance

LAG = timedelta(seconds=60)
USDC = "USDC"


async def day_balances(session: AsyncSession, day: date) -> list[ChainBalance]:
    """Each wallet's last balance taken on the day."""
    start, end = day_span(day)
    rows = await session.scalars(
        select(ChainBalance)
        .where(ChainBalance.block_time >= start, ChainBalance.block_time < end)
        .order_by(ChainBalance.wallet, ChainBalance.block_number.desc())
        .ext(distinct_on(ChainBalance.wallet))
    )
    return list(rows.all())


async def ledger_at(session: AsyncSession, points: dict[str, datetime]) -> dict[str, int]:
    """Each account's balance from the entries written by its time."""
    if not points:
        return {}
    at = case(
        *((LedgerAccount.code == code, JournalEntry.created_at <= t) for code, t in points.items()),
        else_=False,
    )
    rows = await session.execute(
        select(LedgerAccount.code, func.sum(Posting.amount))
        .join(Posting, Posting.account_id == LedgerAccount.id)
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .where(and_(LedgerAccount.code.in_(list(points)), at))
        .group_by(LedgerAccount.code)
    )
    return {code: int(total) for code, total in rows}


async def balance_findings(session: AsyncSession, day: date, now: datetime) -> list[Finding]:
    balances = await day_balances(session, day)
    points = {f"chain:{b.wallet}:{USDC}": b.block_time + LAG for b in balances}
    books = await ledger_at(session, points)
    findings = []
    for b in balances:
        held = books.get(f"chain:{b.wallet}:{USDC}", 0)
        onchain = int(b.balance)
        if held == onchain:
            continue
        kind = BreakType.TIMING if now < b.block_time + LAG else BreakType.AMOUNT_MISMATCH
        findings.append(
            Finding(kind, BreakSource.CHAIN, b.wallet, f"balance@{b.block_number}",
                    onchain - held, USDC,
                    f"{b.wallet} holds {onchain} USDC (base units) on chain at block "
                    f"{b.block_number}, its ledger account {held}")
        )  # fmt: skip
    return findings
