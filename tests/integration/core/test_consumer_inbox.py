"""Durable consumers: at-least-once delivery in, exactly-once effects out (the inbox)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core import faults
from onramp.core.bus import EventBus
from onramp.core.consumer import Consumer, handle_messages
from onramp.core.db import unit_of_work
from onramp.core.events import CloudEvent
from onramp.core.ids import uuid7
from onramp.core.inbox import HandledEvent, claim_events
from onramp.core.outbox import make_event

pytestmark = pytest.mark.integration


@dataclass
class Recorder:
    """A batch handler that remembers the events it applied; refuses events marked ``fail``."""

    applied: list[CloudEvent] = field(default_factory=list)
    calls: int = 0

    async def __call__(self, session: AsyncSession, events: Sequence[CloudEvent]) -> None:
        self.calls += 1
        if any(e.data.get("fail") for e in events):
            raise RuntimeError("this event cannot be handled")
        self.applied.extend(events)


@dataclass
class Harness:
    bus: EventBus
    subject: str
    consumer: Consumer
    recorder: Recorder
    subscription: JetStreamContext.PullSubscription
    settled: list[tuple[str, str]] = field(default_factory=list)  # (ack|nak|term, msg id)

    async def publish(self, event: CloudEvent, msg_id: str | None = None) -> None:
        await self.bus.publish_batch([(self.subject, msg_id or str(event.id), event.to_json())])

    async def publish_raw(self, payload: bytes) -> str:
        msg_id = str(uuid7())
        await self.bus.publish_batch([(self.subject, msg_id, payload)])
        return msg_id

    async def fetch(self, count: int, *, timeout: float = 2.0) -> list[Msg]:
        """Exactly ``count`` messages (gathered over several pulls if need be), spied on."""
        msgs: list[Msg] = []
        deadline = asyncio.get_running_loop().time() + timeout
        while len(msgs) < count and asyncio.get_running_loop().time() < deadline:
            try:
                msgs.extend(await self.subscription.fetch(count - len(msgs), timeout=0.5))
            except (NatsTimeout, TimeoutError):
                continue
        assert len(msgs) == count
        for msg in msgs:
            self._spy(msg)
        return msgs

    async def nothing_left(self) -> bool:
        try:
            await self.subscription.fetch(1, timeout=0.3)
        except (NatsTimeout, TimeoutError):
            return True
        return False

    def _spy(self, msg: Msg) -> None:
        msg_id = (msg.headers or {}).get("Nats-Msg-Id", "")
        for kind in ("ack", "nak", "term"):
            real = getattr(msg, kind)

            async def settle(
                *args: Any,
                _real: Callable[..., Awaitable[None]] = real,
                _kind: str = kind,
                **kwargs: Any,
            ) -> None:
                self.settled.append((_kind, msg_id))
                await _real(*args, **kwargs)

            setattr(msg, kind, settle)


@pytest.fixture
async def harness(bus: EventBus, subject: str) -> AsyncIterator[Harness]:
    recorder = Recorder()
    consumer = Consumer(name=f"test-{uuid7().hex}", subjects=(subject,), handle=recorder)
    subscription = await bus.durable_consumer(consumer.name, consumer.subjects)
    try:
        yield Harness(bus, subject, consumer, recorder, subscription)
    finally:
        await subscription.unsubscribe()
        await bus.js.delete_consumer(bus.stream, consumer.name)


def event(subject: str, **data: object) -> CloudEvent:
    return make_event(subject, data, source="onramp/tests")


async def inbox_count(sessions: async_sessionmaker[AsyncSession], consumer: str) -> int:
    async with unit_of_work(sessions) as session:
        count = await session.scalar(
            select(func.count()).select_from(HandledEvent).where(HandledEvent.consumer == consumer)
        )
    return int(count or 0)


async def test_redelivered_event_is_applied_once(
    sessions: async_sessionmaker[AsyncSession], harness: Harness
) -> None:
    e = event(harness.subject, n=1)
    await harness.publish(e, msg_id=f"{e.id}-first")
    await handle_messages(sessions, harness.consumer, await harness.fetch(1))
    # The same event again, published under another message id (JetStream cannot dedupe it).
    await harness.publish(e, msg_id=f"{e.id}-second")
    await handle_messages(sessions, harness.consumer, await harness.fetch(1))

    assert harness.recorder.applied == [e]
    assert harness.settled == [("ack", f"{e.id}-first"), ("ack", f"{e.id}-second")]
    assert await inbox_count(sessions, harness.consumer.name) == 1
    assert await harness.nothing_left()
    info = await harness.subscription.consumer_info()
    assert info.num_ack_pending == 0

    fresh = uuid7()
    async with sessions() as session:  # claim and roll back: a probe, not a handling
        claimed = await claim_events(
            session, consumer=harness.consumer.name, event_ids=[e.id, fresh]
        )
        await session.rollback()
    assert claimed == {fresh}


async def test_the_broken_build_skip_inbox_applies_a_redelivered_event_again(
    sessions: async_sessionmaker[AsyncSession],
    harness: Harness,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The test-only broken build (core/faults.py) does what it says: whoever runs the simulator
    # with it runs consumers that handle a redelivered event again.
    monkeypatch.setattr(faults, "_broken", frozenset({faults.SKIP_INBOX}))
    e = event(harness.subject, n=1)
    await harness.publish(e, msg_id=f"{e.id}-first")
    await handle_messages(sessions, harness.consumer, await harness.fetch(1))
    await harness.publish(e, msg_id=f"{e.id}-second")
    await handle_messages(sessions, harness.consumer, await harness.fetch(1))

    assert harness.recorder.applied == [e, e]
    assert await inbox_count(sessions, harness.consumer.name) == 1


async def test_same_event_twice_in_one_batch_is_applied_once(
    sessions: async_sessionmaker[AsyncSession], harness: Harness
) -> None:
    e = event(harness.subject, n=1)
    await harness.publish(e, msg_id=f"{e.id}-first")
    await harness.publish(e, msg_id=f"{e.id}-second")
    msgs = await harness.fetch(2)

    await handle_messages(sessions, harness.consumer, msgs)

    assert sorted(kind for kind, _ in harness.settled) == ["ack", "ack"]
    assert await inbox_count(sessions, harness.consumer.name) == 1
    assert harness.recorder.applied == [e]


async def test_claim_events_returns_only_fresh_ids(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    consumer = f"test-{uuid7().hex}"
    a, b, c = uuid7(), uuid7(), uuid7()
    async with unit_of_work(sessions) as session:
        assert await claim_events(session, consumer=consumer, event_ids=[a, b]) == {a, b}
    async with unit_of_work(sessions) as session:
        assert await claim_events(session, consumer=consumer, event_ids=[b, c, c]) == {c}
        assert await claim_events(session, consumer=consumer, event_ids=[]) == set()
        # Another consumer handles the same events independently.
        assert await claim_events(session, consumer=f"{consumer}-other", event_ids=[a]) == {a}


async def test_failing_event_is_nakked_and_the_rest_of_the_batch_applied(
    sessions: async_sessionmaker[AsyncSession], harness: Harness
) -> None:
    good1, bad, good2 = (
        event(harness.subject, n=1),
        event(harness.subject, n=2, fail=True),
        event(harness.subject, n=3),
    )
    for e in (good1, bad, good2):
        await harness.publish(e)

    await handle_messages(sessions, harness.consumer, await harness.fetch(3))

    assert harness.recorder.applied == [good1, good2]
    assert sorted(harness.settled) == [
        ("ack", str(good1.id)),
        ("ack", str(good2.id)),
        ("nak", str(bad.id)),
    ]
    async with unit_of_work(sessions) as session:
        handled = await session.scalars(
            select(HandledEvent.event_id).where(HandledEvent.consumer == harness.consumer.name)
        )
        assert set(handled.all()) == {good1.id, good2.id}  # the failure claimed nothing

    # JetStream redelivers the nakked event (after the back-off) and only that one.
    (again,) = await harness.fetch(1, timeout=5.0)
    assert CloudEvent.from_json(again.data) == bad
    assert again.metadata.num_delivered == 2
    await again.term()
    assert await harness.nothing_left()


async def test_malformed_messages_are_terminated_without_calling_the_handler(
    sessions: async_sessionmaker[AsyncSession], harness: Harness
) -> None:
    not_json = await harness.publish_raw(b"\x00not json at all")
    not_an_event = await harness.publish_raw(b'{"hello": "world"}')

    await handle_messages(sessions, harness.consumer, await harness.fetch(2))

    assert harness.recorder.calls == 0
    assert sorted(harness.settled) == sorted([("term", not_json), ("term", not_an_event)])
    assert await harness.nothing_left()
    info = await harness.subscription.consumer_info()
    assert info.num_ack_pending == 0
    assert await inbox_count(sessions, harness.consumer.name) == 0


async def test_malformed_message_does_not_hold_up_the_good_ones(
    sessions: async_sessionmaker[AsyncSession], harness: Harness
) -> None:
    garbage = await harness.publish_raw(b"[1, 2, 3]")
    good = event(harness.subject, n=1)
    await harness.publish(good)

    await handle_messages(sessions, harness.consumer, await harness.fetch(2))

    assert harness.recorder.applied == [good]
    assert sorted(harness.settled) == sorted([("term", garbage), ("ack", str(good.id))])
    assert await harness.nothing_left()
