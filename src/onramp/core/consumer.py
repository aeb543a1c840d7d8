"""Durable event consumers: at-least-once delivery in, exactly-once effects out.

A batch of messages is handled in one unit of work together with the inbox rows that record
their event ids; only after the commit are the messages acknowledged. A redelivered event finds
its id in the inbox and is skipped. If a batch fails, each message is retried alone so one bad
event cannot hold up the others.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core import metrics
from onramp.core.bus import EventBus
from onramp.core.db import unit_of_work
from onramp.core.events import CloudEvent
from onramp.core.faults import SKIP_INBOX, broken, crash_point
from onramp.core.inbox import claim_events
from onramp.core.logging import get_logger
from onramp.core.tracing import consuming

log = get_logger(__name__)

BatchHandler = Callable[[AsyncSession, Sequence[CloudEvent]], Awaitable[None]]


@dataclass(frozen=True)
class Consumer:
    """A named durable consumer of some subjects, and what it does with a batch of events."""

    name: str
    subjects: tuple[str, ...]
    handle: BatchHandler


async def _apply(
    sessions: async_sessionmaker[AsyncSession], consumer: Consumer, events: Sequence[CloudEvent]
) -> None:
    unique = list({e.id: e for e in events}.values())  # one fetch may hold a redelivery too
    # Each event's trace goes on here (core/tracing.py), the commit included.
    with consuming(consumer.name, unique):
        async with unit_of_work(sessions) as session:
            fresh = await claim_events(
                session, consumer=consumer.name, event_ids=[e.id for e in unique]
            )
            todo = [e for e in unique if e.id in fresh]
            if broken(SKIP_INBOX):  # the fault simulator's broken build (core/faults.py)
                todo = unique
            if todo:
                await consumer.handle(session, todo)
            crash_point("consumer.before_commit")


async def handle_messages(
    sessions: async_sessionmaker[AsyncSession], consumer: Consumer, msgs: Sequence[Msg]
) -> None:
    parsed: list[tuple[Msg, CloudEvent]] = []
    for msg in msgs:
        try:
            parsed.append((msg, CloudEvent.from_json(msg.data)))
        except ValidationError:
            # Not a CloudEvent: no retry can fix it. Terminate it so it is not redelivered.
            log.error("event.malformed", consumer=consumer.name, subject=msg.subject)
            await msg.term()
    if not parsed:
        return
    try:
        await _apply(sessions, consumer, [event for _, event in parsed])
    except Exception:
        log.warning("consumer.batch_failed", consumer=consumer.name, size=len(parsed))
        for msg, event in parsed:
            try:
                await _apply(sessions, consumer, [event])
            except Exception:
                log.exception("event.failed", consumer=consumer.name, event_id=str(event.id))
                delivered = msg.metadata.num_delivered if msg.metadata else 1
                await msg.nak(delay=min(30.0, 0.5 * 2 ** min(delivered, 6)))
            else:
                await msg.ack()
        return
    crash_point("consumer.before_ack")  # committed: redelivered after a restart
    await asyncio.gather(*(msg.ack() for msg, _ in parsed))


# How often a consumer asks JetStream how far behind it is (onramp_jetstream_consumer_pending).
PENDING_EVERY = 5.0


async def _measure_pending(name: str, subscription: JetStreamContext.PullSubscription) -> None:
    try:
        info = await subscription.consumer_info()
    except Exception:  # noqa: BLE001 - a metric never stops the consumer
        log.warning("consumer.info_failed", consumer=name)
        return
    metrics.consumer_backlog(
        name, pending=info.num_pending or 0, ack_pending=info.num_ack_pending or 0
    )


async def run_consumer(
    consumer: Consumer,
    *,
    bus: EventBus,
    sessions: async_sessionmaker[AsyncSession],
    stop: asyncio.Event,
    batch: int = 200,
    fetch_timeout: float = 0.5,
) -> None:
    subscription = await bus.durable_consumer(consumer.name, consumer.subjects)
    log.info("consumer.started", consumer=consumer.name, subjects=list(consumer.subjects))
    measured = 0.0
    while not stop.is_set():
        if time.monotonic() - measured >= PENDING_EVERY:
            measured = time.monotonic()
            await _measure_pending(consumer.name, subscription)
        try:
            msgs = await subscription.fetch(batch, timeout=fetch_timeout)
        except (NatsTimeout, TimeoutError):  # nats-py raises either when nothing is pending
            continue
        await handle_messages(sessions, consumer, msgs)
    log.info("consumer.stopped", consumer=consumer.name)
