"""NATS restarted mid-flow, on a NATS and a PostgreSQL of the test's own (the shared stack's are
never restarted): JetStream's file storage keeps the stream and the durable consumer, the relay
resumes publishing what was written while NATS was away, the consumer reconnects, and every
event is handled exactly once (the inbox), whether published before, during or after."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import cast

import pytest
from sqlalchemy import Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.bus import EventBus, connect_bus
from onramp.core.consumer import Consumer, run_consumer
from onramp.core.db import create_engine, session_factory, unit_of_work
from onramp.core.events import CloudEvent
from onramp.core.inbox import HandledEvent
from onramp.core.outbox import OutboxMessage, emit_many, make_event
from onramp.core.relay import run_relay
from tests.integration.core.conftest import OwnNats, OwnPostgres

pytestmark = pytest.mark.integration

STREAM = "ONRAMP_RESTARTS"
SUBJECT = "onramp.test.restarted.v1"
BATCH = 20  # events written before, while and after NATS is away


@pytest.fixture
async def sessions(own_postgres: OwnPostgres) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(own_postgres.url(), pool_size=6, max_overflow=0)
    tables = [cast(Table, model.__table__) for model in (OutboxMessage, HandledEvent)]
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: HandledEvent.metadata.create_all(sync, tables))
        # No unique key: an event handled twice would show as two rows.
        await connection.execute(text("CREATE TABLE handled (event_id uuid)"))
    yield session_factory(engine)
    await engine.dispose()


@dataclass
class Recorder:
    """Records each event it handles; holds a batch of ``held`` events until released (so NATS
    goes away while they are fetched and not yet acknowledged)."""

    holding: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, session: AsyncSession, events: Sequence[CloudEvent]) -> None:
        if any(event.data.get("held") for event in events):
            self.holding.set()
            await self.release.wait()
        for event in events:
            await session.execute(text("INSERT INTO handled VALUES (:id)"), {"id": event.id})


async def write_events(
    sessions: async_sessionmaker[AsyncSession], *, held: bool = False
) -> set[uuid.UUID]:
    events = [
        make_event(SUBJECT, {"n": n, "held": held}, source="onramp/tests") for n in range(BATCH)
    ]
    async with unit_of_work(sessions) as session:
        await emit_many(session, events)
    return {event.id for event in events}


async def handled(sessions: async_sessionmaker[AsyncSession]) -> dict[uuid.UUID, int]:
    async with unit_of_work(sessions) as session:
        rows = await session.execute(
            text("SELECT event_id, count(*) FROM handled GROUP BY event_id")
        )
    return {event_id: count for event_id, count in rows}


async def unpublished(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with unit_of_work(sessions) as session:
        count = await session.scalar(
            select(func.count()).where(OutboxMessage.published_at.is_(None))
        )
    return int(count or 0)


async def all_handled(sessions: async_sessionmaker[AsyncSession], ids: set[uuid.UUID]) -> None:
    while not ids <= set(await handled(sessions)):
        await asyncio.sleep(0.1)


async def disconnected(bus: EventBus) -> None:
    while bus.client.is_connected:
        await asyncio.sleep(0.05)


async def test_nats_restarted_mid_flow_loses_no_event_and_handles_none_twice(
    own_nats: OwnNats, own_postgres: OwnPostgres, sessions: async_sessionmaker[AsyncSession]
) -> None:
    bus: EventBus = await connect_bus(own_nats.url, stream=STREAM)
    stop = asyncio.Event()
    recorder = Recorder()
    consumer = Consumer(name="restarts", subjects=(SUBJECT,), handle=recorder)
    relay = asyncio.create_task(
        run_relay(sessions, bus, database_url=own_postgres.url(), stop=stop)
    )
    consuming = asyncio.create_task(
        run_consumer(consumer, bus=bus, sessions=sessions, stop=stop, batch=5)
    )
    try:
        before = await write_events(sessions)
        await asyncio.wait_for(all_handled(sessions, before), timeout=60)

        in_flight = await write_events(sessions, held=True)
        await recorder.holding.wait()  # fetched, being handled, not acknowledged
        await asyncio.to_thread(own_nats.stop)
        await asyncio.wait_for(disconnected(bus), timeout=30)
        recorder.release.set()  # committed while NATS is away: the acks wait or are lost
        during = await write_events(sessions)  # committed while NATS is away: in the outbox
        await asyncio.sleep(1.0)  # pacing only: the relay and the consumer meet the outage
        await asyncio.to_thread(own_nats.start)
        after = await write_events(sessions)

        every = before | in_flight | during | after
        await asyncio.wait_for(all_handled(sessions, every), timeout=90)
        assert not relay.done(), "the relay died of the restart"
        assert not consuming.done(), "the consumer died of the restart"
    finally:
        stop.set()
        await asyncio.gather(relay, consuming, return_exceptions=True)
        await bus.close()
    counts = await handled(sessions)
    assert set(counts) == every
    assert set(counts.values()) == {1}  # none twice, the ones in flight included
    assert await unpublished(sessions) == 0
    again = await connect_bus(own_nats.url, stream=STREAM)
    try:
        stored = await again.js.stream_info(STREAM)
    finally:
        await again.close()
    assert stored.state.messages == len(every)  # the file store kept those before the restart
