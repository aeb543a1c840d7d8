"""Fixtures of the outbox, relay and consumer integration tests: the event bus, unique subjects."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from onramp.core.bus import EventBus, connect_bus
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack


@pytest.fixture(scope="session")
async def bus(infra: Stack) -> AsyncIterator[EventBus]:
    connected = await connect_bus(infra.settings.nats.url, stream=infra.settings.nats.stream)
    try:
        yield connected
    finally:
        await connected.close()


@pytest.fixture
def subject() -> str:
    """A subject no other test publishes on (the stream captures ``onramp.>``)."""
    return f"onramp.test.{uuid7().hex}.v1"
