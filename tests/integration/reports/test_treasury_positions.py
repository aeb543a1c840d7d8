"""The treasury positions report on PostgreSQL: of a wallet's balances read on a day, the last
block's is the day's; a day with no read has no row."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.recon.models import ChainBalance
from onramp.reports.period import Period
from onramp.reports.treasury_positions import treasury_position_rows
from tests.integration.reports.days import at_hour, far_day


async def test_the_last_balance_read_each_day_is_the_days_position(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    d, wallet = far_day(), f"tp{uuid.uuid4().hex[:8]}"
    reads = [(10, 8, 1_000_000), (11, 20, 2_500_000), (50, 24 + 3, 4_000_000)]
    async with unit_of_work(sessions) as session:
        session.add_all(
            ChainBalance(wallet=wallet, block_number=block, block_time=at_hour(d, h), balance=b)
            for block, h, b in reads
        )
    async with unit_of_work(sessions) as session:
        rows = await treasury_position_rows(session, period=Period(d, d + timedelta(days=2)))
    mine = [
        (r["date"], r["balance_usdc"], r["block_number"]) for r in rows if r["wallet"] == wallet
    ]
    assert mine == [
        (d.isoformat(), "2.500000", 11),
        ((d + timedelta(days=1)).isoformat(), "4.000000", 50),
    ]
