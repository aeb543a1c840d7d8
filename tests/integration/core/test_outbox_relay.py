"""Outbox -> relay -> JetStream: committed events are published once, under their own id.

The stack's relay worker may run too (when another test started the ``stack`` fixture) and
publish rows before our ``relay_batch`` does, so these tests assert what can be observed (the
message is in the stream once, under the event id; the row is marked published), not who
published it.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import datetime

import pytest
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.bus import EventBus
from onramp.core.db import unit_of_work
from onramp.core.events import CloudEvent
from onramp.core.ids import uuid7
from onramp.core.outbox import OutboxMessage, decode_payload, emit, emit_many, make_event
from onramp.core.relay import relay_batch

pytestmark = pytest.mark.integration

SOURCE = "onramp/tests"


async def relay_everything(sessions: async_sessionmaker[AsyncSession], bus: EventBus) -> int:
    """Run the relay until the outbox has nothing left for it (other tests leave rows too)."""
    total = 0
    for _ in range(100):
        published = await relay_batch(sessions, bus)
        if published == 0:
            return total
        total += published
    raise AssertionError("the outbox never drained")


async def published_at(
    sessions: async_sessionmaker[AsyncSession], event_id: uuid.UUID, *, wait: float = 5.0
) -> datetime | None:
    """When the row was marked published; waits a little for a relay that holds it locked."""
    deadline = asyncio.get_running_loop().time() + wait
    while True:
        async with unit_of_work(sessions) as session:
            row = (
                await session.execute(
                    select(OutboxMessage.published_at).where(OutboxMessage.id == event_id)
                )
            ).one_or_none()
        if row is None or row.published_at is not None:
            return row.published_at if row else None
        if asyncio.get_running_loop().time() > deadline:
            return None
        await asyncio.sleep(0.05)


async def stream_messages(bus: EventBus, subject: str) -> list[Msg]:
    """Every message the stream holds on ``subject``, read through an ephemeral consumer."""
    sub = await bus.js.pull_subscribe(subject, stream=bus.stream)
    msgs: list[Msg] = []
    try:
        while True:
            try:
                batch = await sub.fetch(100, timeout=0.5)
            except (NatsTimeout, TimeoutError):
                return msgs
            for msg in batch:
                await msg.ack()
            msgs.extend(batch)
    finally:
        await sub.unsubscribe()


async def count_on(bus: EventBus, subject: str) -> int:
    info = await bus.js.stream_info(bus.stream, subjects_filter=subject)
    return (info.state.subjects or {}).get(subject, 0)


async def test_committed_event_is_published_once_under_its_id(
    sessions: async_sessionmaker[AsyncSession], bus: EventBus, subject: str
) -> None:
    async with unit_of_work(sessions) as session:
        event = await emit(
            session,
            subject,
            {"amount": "10.00", "currency": "EUR"},
            source=SOURCE,
            entity_id="order-1",
            correlation_id="corr-1",
        )

    await relay_everything(sessions, bus)

    first_published = await published_at(sessions, event.id)
    assert first_published is not None
    msgs = await stream_messages(bus, subject)
    assert len(msgs) == 1
    (msg,) = msgs
    assert msg.subject == subject
    assert msg.headers is not None
    assert msg.headers["Nats-Msg-Id"] == str(event.id)
    received = CloudEvent.from_json(msg.data)
    assert received == event
    assert decode_payload(msg.data)["specversion"] == "1.0"
    assert decode_payload(msg.data)["correlationid"] == "corr-1"

    # A second pass publishes nothing more for this event and leaves the row as it was.
    await relay_everything(sessions, bus)
    assert await count_on(bus, subject) == 1
    assert await published_at(sessions, event.id) == first_published


async def test_relay_publishes_a_batch_in_id_order(
    sessions: async_sessionmaker[AsyncSession], bus: EventBus, subject: str
) -> None:
    events = [make_event(subject, {"n": n}, source=SOURCE) for n in range(20)]
    async with unit_of_work(sessions) as session:
        await emit_many(session, events)

    await relay_everything(sessions, bus)

    for event in events:
        assert await published_at(sessions, event.id) is not None
    msgs = await stream_messages(bus, subject)
    assert [m.headers["Nats-Msg-Id"] for m in msgs if m.headers] == [str(e.id) for e in events]


async def test_event_of_a_rolled_back_transaction_is_never_published(
    sessions: async_sessionmaker[AsyncSession], bus: EventBus, subject: str
) -> None:
    emitted: list[CloudEvent] = []

    async def emit_then_fail() -> None:
        async with unit_of_work(sessions) as session:
            emitted.append(await emit(session, subject, {"n": 1}, source=SOURCE))
            raise RuntimeError("changed my mind")

    with pytest.raises(RuntimeError, match="changed my mind"):
        await emit_then_fail()

    await relay_everything(sessions, bus)

    async with unit_of_work(sessions) as session:
        assert await session.get(OutboxMessage, emitted[0].id) is None
    assert await count_on(bus, subject) == 0
    assert await stream_messages(bus, subject) == []


async def test_publishing_the_same_message_id_twice_is_one_message(
    bus: EventBus, subject: str
) -> None:
    msg_id, other_id = str(uuid7()), str(uuid7())

    assert await bus.publish_batch([(subject, msg_id, b'{"n": 1}')]) == 0
    duplicates = await bus.publish_batch(
        [(subject, msg_id, b'{"n": 1}'), (subject, other_id, b'{"n": 2}')]
    )

    assert duplicates == 1
    assert await count_on(bus, subject) == 2
    msgs = await stream_messages(bus, subject)
    assert [m.headers["Nats-Msg-Id"] for m in msgs if m.headers] == [msg_id, other_id]


async def test_an_unpublishable_row_does_not_stop_the_outbox(
    sessions: async_sessionmaker[AsyncSession], bus: EventBus, subject: str
) -> None:
    poison: list[CloudEvent] = []
    try:
        async with unit_of_work(sessions) as session:
            poison.append(await emit(session, f"nostream.{uuid7().hex}", {}, source=SOURCE))
    except Exception:  # refusing such a subject up front would be a fix too
        poison.clear()
    try:
        async with unit_of_work(sessions) as session:
            good = await emit(session, subject, {"n": 1}, source=SOURCE)
        for _ in range(3):
            with contextlib.suppress(Exception):
                await relay_everything(sessions, bus)
        assert await published_at(sessions, good.id, wait=0.5) is not None
    finally:
        # Never leave the poison row behind: it would stop every relay of this test session.
        async with unit_of_work(sessions) as session:
            await session.execute(
                delete(OutboxMessage).where(OutboxMessage.id.in_([e.id for e in poison]))
            )


async def test_two_relays_at_once_publish_each_event_once(
    sessions: async_sessionmaker[AsyncSession], bus: EventBus, subject: str
) -> None:
    events = [make_event(subject, {"n": n}, source=SOURCE) for n in range(200)]
    async with unit_of_work(sessions) as session:
        await emit_many(session, events)

    async def relay() -> int:  # small batches, so the two interleave on the outbox
        total = 0
        while (published := await relay_batch(sessions, bus, limit=10)) > 0:
            total += published
        return total

    await asyncio.gather(relay(), relay())  # SKIP LOCKED: neither waits for the other's rows
    # The stack's relay may hold the rest locked when ours find none left: wait for its commit.
    for event in events:
        assert await published_at(sessions, event.id, wait=15.0) is not None
    assert await count_on(bus, subject) == len(events)
