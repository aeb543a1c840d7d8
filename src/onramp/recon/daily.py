"""The daily run: once a day, yesterday (UTC) is reconciled by the ``recon`` worker. Each round
asks whether the worker has run yesterday yet; only one process at a time may (an advisory
lock), so two workers never run the same day twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.recon.alarms import BreakAlarm
from onramp.recon.models import ReconRun
from onramp.recon.runs import run_recon

DAILY_ACTOR = "worker:recon"
LOCK = "recon.daily"


async def run_yesterday_once(
    session: AsyncSession, now: datetime, alarm: BreakAlarm | None = None
) -> int:
    """Reconcile the day before ``now`` unless the worker already has: 1 if it ran now."""
    got = await session.scalar(
        text("SELECT pg_try_advisory_xact_lock(hashtext(:lock))"), {"lock": LOCK}
    )
    if not got:
        return 0
    day = (now - timedelta(days=1)).date()
    done = await session.scalar(
        select(ReconRun.id)
        .where(ReconRun.run_date == day, ReconRun.requested_by == DAILY_ACTOR)
        .limit(1)
    )
    if done is not None:
        return 0
    await run_recon(session, day=day, now=now, requested_by=DAILY_ACTOR, alarm=alarm)
    return 1
