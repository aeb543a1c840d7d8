"""Treasury positions over time: per UTC day and treasury wallet, the wallet's USDC on the chain
at the last block the reconciliation's chain reader read that day (``recon_chain_balances``,
read by SQL as a plain table), in USDC, with the block. A day the reader did not read a wallet
has no row for it. One query whatever the period's length."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.money import Money
from onramp.reports.period import Period

FIELDS = ("date", "wallet", "balance_usdc", "block_number", "read_at")

_LAST_OF_DAY = text(
    "SELECT DISTINCT ON (day, wallet) (block_time AT TIME ZONE 'UTC')::date AS day, wallet, "
    "balance, block_number, block_time FROM recon_chain_balances "
    "WHERE block_time >= :start AND block_time < :end "
    "ORDER BY day, wallet, block_number DESC"
)


async def treasury_position_rows(session: AsyncSession, *, period: Period) -> list[dict[str, Any]]:
    rows = await session.execute(_LAST_OF_DAY, {"start": period.start, "end": period.end})
    return [
        {"date": day.isoformat(), "wallet": wallet,
         "balance_usdc": str(Money(int(balance), "USDC")), "block_number": int(block),
         "read_at": at.isoformat()}
        for day, wallet, balance, block, at in rows
    ]  # fmt: skip
