"""A job run again and again until asked to stop: the loop of every periodic worker.

Each round runs the job in its own transaction. A full batch means more may be due, so the next
round starts at once; otherwise the loop sleeps ``interval`` seconds (or until stopped). A
failing round is logged and retried after the interval: a periodic worker never dies of one bad
row.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.clock import Clock
from onramp.core.db import unit_of_work
from onramp.core.logging import get_logger

log = get_logger(__name__)

Job = Callable[[AsyncSession, datetime, int], Awaitable[int]]  # (session, now, limit) -> done


async def run_periodic(
    sessions: async_sessionmaker[AsyncSession],
    job: Job,
    *,
    name: str,
    clock: Clock,
    stop: asyncio.Event,
    interval: float,
    batch: int = 500,
) -> None:
    log.info(f"{name}.started")
    while not stop.is_set():
        try:
            async with unit_of_work(sessions) as session:
                done = await job(session, clock.now(), batch)
        except Exception:
            log.exception(f"{name}.failed")
            done = 0
        if done:
            log.info(f"{name}.done", count=done)
        if done < batch:
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass
    log.info(f"{name}.stopped")
