"""Reconciliation's worker: yesterday's run, once a day (``recon/daily.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.clock import SystemClock
from onramp.core.periodic import run_periodic
from onramp.recon import run_yesterday_once
from onramp.runtime.workers.registry import Resources, Worker

# How often the worker asks whether yesterday is reconciled yet: the run starts within this
# many seconds of midnight UTC (or of the worker's start), and once per day.
POLL_SECONDS = 300.0


async def _daily(resources: Resources) -> None:
    async def once(session: AsyncSession, now: datetime, limit: int) -> int:
        return await run_yesterday_once(session, now)

    await run_periodic(
        resources.sessions,
        once,
        name="recon_daily",
        clock=SystemClock(),
        stop=resources.stop,
        interval=POLL_SECONDS,
        batch=1_000_000,  # one run is never a full batch: sleep after it
    )


recon = Worker("recon", _daily)
