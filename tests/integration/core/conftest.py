"""Fixtures of the outbox, relay and consumer integration tests: the event bus, unique subjects."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
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


@pytest.fixture
async def scratch_database(infra: Stack) -> AsyncIterator[str]:
    """A database of its own on the stack's server (for key management that must not change
    the shared database's data keys), dropped afterwards; not migrated."""
    name = f"scratch_{uuid7().hex}"
    admin = await asyncpg.connect(infra.postgres.url("postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield infra.postgres.url(name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
