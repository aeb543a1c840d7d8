"""``onramp worker kyc_review``: the periodic review. Approvals past their review date are
marked expired and audited (``tier_of`` already ignores them; this writes the decision down)."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.clock import Clock
from onramp.core.db import unit_of_work
from onramp.core.logging import get_logger
from onramp.kyc.service import expire_due

log = get_logger(__name__)


async def run_review_expiry(
    sessions: async_sessionmaker[AsyncSession],
    *,
    clock: Clock,
    stop: asyncio.Event,
    interval: float,
    batch: int = 500,
) -> None:
    log.info("kyc_review.started")
    while not stop.is_set():
        try:
            async with unit_of_work(sessions) as session:
                expired = await expire_due(session, now=clock.now(), limit=batch)
        except Exception:
            log.exception("kyc_review.failed")
            expired = 0
        if expired:
            log.info("kyc_review.expired", count=expired)
        if expired < batch:  # a full batch: more may be due, go again at once
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass
    log.info("kyc_review.stopped")
