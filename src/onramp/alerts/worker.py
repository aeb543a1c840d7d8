"""``onramp worker alerts``: every ``evaluate_interval_seconds``, evaluate every rule (one
evaluator at a time: a transaction-scoped advisory lock; another worker skips its round); and,
in transactions of their own (a slow channel must hold no lock the evaluation took, such as
the circuit breaker's row), deliver what is due."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.alerts.delivery import deliver_due
from onramp.alerts.rules import RuleSet
from onramp.alerts.service import evaluate
from onramp.core.clock import Clock
from onramp.core.periodic import run_periodic
from onramp.core.settings import Settings

LOCK = "onramp.alerts.evaluator"
DELIVERY_BATCH = 50


async def evaluator_lock(session: AsyncSession) -> bool:
    """Whether this transaction is the one evaluator (held until it ends)."""
    got = await session.scalar(
        text("SELECT pg_try_advisory_xact_lock(hashtext(:lock))"), {"lock": LOCK}
    )
    return bool(got)


async def alerts_round(
    session: AsyncSession, rules: RuleSet, settings: Settings, now: datetime
) -> int:
    """Evaluate every rule, unless another evaluator is at it; how many groups fail."""
    if not await evaluator_lock(session):
        return 0
    return await evaluate(session, rules, settings, now)


async def run_alerts(
    sessions: async_sessionmaker[AsyncSession],
    rules: RuleSet,
    settings: Settings,
    *,
    clock: Clock,
    stop: asyncio.Event,
) -> None:
    interval = settings.alerts.evaluate_interval_seconds

    async def evaluation(session: AsyncSession, now: datetime, limit: int) -> int:
        await alerts_round(session, rules, settings, now)
        return 0  # never a full batch: each round waits for the interval

    async def delivery(session: AsyncSession, now: datetime, limit: int) -> int:
        return await deliver_due(session, settings, now, limit=limit)

    await asyncio.gather(
        run_periodic(
            sessions, evaluation, name="alerts", clock=clock, stop=stop, interval=interval
        ),
        run_periodic(
            sessions,
            delivery,
            name="alerts_delivery",
            clock=clock,
            stop=stop,
            interval=min(interval, 5.0),
            batch=DELIVERY_BATCH,
        ),
    )
