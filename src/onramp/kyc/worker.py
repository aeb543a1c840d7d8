"""``onramp worker kyc_review``: the periodic review. Approvals past their review date are
marked expired and audited (``tier_of`` already ignores them; this writes the decision down)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.clock import Clock
from onramp.core.periodic import run_periodic
from onramp.kyc.service import expire_due


async def _expire(session: AsyncSession, now: datetime, limit: int) -> int:
    return await expire_due(session, now=now, limit=limit)


async def run_review_expiry(
    sessions: async_sessionmaker[AsyncSession],
    *,
    clock: Clock,
    stop: asyncio.Event,
    interval: float,
    batch: int = 500,
) -> None:
    await run_periodic(
        sessions,
        _expire,
        name="kyc_review",
        clock=clock,
        stop=stop,
        interval=interval,
        batch=batch,
    )
