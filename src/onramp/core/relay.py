"""The outbox relay: committed outbox rows -> JetStream, in id order, in batches."""

from __future__ import annotations

import asyncio

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core import metrics, tracing
from onramp.core.bus import EventBus
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.faults import crash_point
from onramp.core.logging import get_logger
from onramp.core.outbox import OutboxMessage, decode_payload
from onramp.core.trace_links import publishing
from onramp.core.wakeup import OUTBOX_CHANNEL, Wakeup

log = get_logger(__name__)


async def relay_batch(
    sessions: async_sessionmaker[AsyncSession], bus: EventBus, *, limit: int = 1000
) -> int:
    """Publish up to ``limit`` unpublished events; return how many were published.

    Rows are locked (SKIP LOCKED) so several relays can run; a row is marked published only after
    JetStream acknowledged it, and a crash in between re-publishes it under the same message id.
    """
    async with unit_of_work(sessions) as session:
        rows = (
            await session.execute(
                select(
                    OutboxMessage.id,
                    OutboxMessage.subject,
                    OutboxMessage.payload,
                    OutboxMessage.created_at,
                )
                .where(OutboxMessage.published_at.is_(None))
                .order_by(OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        if not rows:
            return 0
        # The publish's span links each event's trace (read from the payload only when
        # tracing is on: a parse per event otherwise spent for nothing).
        traces = (
            [decode_payload(r.payload).get("traceparent") for r in rows]
            if tracing.enabled()
            else []
        )
        with publishing(
            "publish outbox",
            traces,
            {"messaging.system": "nats", "messaging.batch.message_count": len(rows)},
        ):
            duplicates = await bus.publish_batch([(r.subject, str(r.id), r.payload) for r in rows])
        crash_point("relay.after_publish")  # in JetStream, not marked: published again
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([r.id for r in rows]))
            .values(published_at=utcnow())
        )
    crash_point("relay.after_commit")
    metrics.outbox_published([r.created_at for r in rows])
    log.debug("outbox.published", count=len(rows), duplicates=duplicates)
    return len(rows)


async def run_relay(
    sessions: async_sessionmaker[AsyncSession],
    bus: EventBus,
    *,
    database_url: str,
    stop: asyncio.Event,
    idle_timeout: float = 0.5,
) -> None:
    log.info("relay.started")
    async with Wakeup(database_url, OUTBOX_CHANNEL) as wakeup:
        while not stop.is_set():
            try:
                published = await relay_batch(sessions, bus)
            except Exception:
                log.exception("relay.failed")
                published = 0
                await asyncio.sleep(1.0)
            if published == 0:
                await wakeup.wait(idle_timeout)
    log.info("relay.stopped")
