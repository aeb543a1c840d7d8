"""Two installations on one NATS account (``ONRAMP_NATS__SUBJECT_PREFIX``): each has a stream
of its own name over its own prefixed subjects, so creating the second does not collide with
the first's ``onramp.>``; what one publishes reaches its consumers and never the other's
stream, and callers name subjects as the events do, with no prefix."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from onramp.core.bus import EventBus, connect_bus
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack

pytestmark = pytest.mark.integration


@pytest.fixture
async def other(infra: Stack) -> AsyncIterator[EventBus]:
    """Another installation's bus on the stack's NATS: prefix ``t<hex>.``, a stream of its own."""
    tag = uuid7().hex[-10:]
    bus = await connect_bus(infra.settings.nats.url, stream=f"OTHER_{tag}", prefix=f"t{tag}.")
    try:
        yield bus
    finally:
        await bus.js.delete_stream(bus.stream)
        await bus.close()


async def _count(bus: EventBus, subject: str) -> int:
    info = await bus.js.stream_info(bus.stream, subjects_filter=subject)
    return (info.state.subjects or {}).get(subject, 0)


async def test_each_installation_sees_only_its_own_events(
    bus: EventBus, other: EventBus, subject: str
) -> None:
    await other.publish_batch([(subject, str(uuid7()), b'{"n": 1}')])
    await bus.publish_batch([(subject, str(uuid7()), b'{"n": 2}')])

    assert await _count(other, other.prefix + subject) == 1
    assert await _count(bus, subject) == 1  # the shared stack's own stream: its own event only
    consumer = await other.durable_consumer(f"c{uuid7().hex[-10:]}", [subject])
    (msg,) = await consumer.fetch(10, timeout=2.0)
    assert msg.subject == other.prefix + subject
    assert msg.data == b'{"n": 1}'
    await msg.ack()
