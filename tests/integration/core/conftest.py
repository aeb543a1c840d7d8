"""Fixtures of the outbox, relay, consumer and database integration tests: the event bus, unique
subjects, scratch databases, a PostgreSQL of the test's own (to restart)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from onramp.core.bus import EventBus, connect_bus
from onramp.core.ids import uuid7
from onramp.devstack.nats import EmbeddedNats, start_nats
from onramp.devstack.postgres import EmbeddedPostgres, start_postgres
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


class OwnPostgres:
    """A PostgreSQL of the test's own, stopped and started again on its port."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.server: EmbeddedPostgres = start_postgres(state_dir)

    def url(self) -> str:
        return self.server.url()

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        self.server = start_postgres(self.state_dir, port=self.server.port)

    async def restart(self) -> None:
        await asyncio.to_thread(self.stop)
        await asyncio.to_thread(self.start)


class OwnNats:
    """A NATS of the test's own, stopped and started again on its port and JetStream store."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.server: EmbeddedNats = start_nats(state_dir)

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        self.server = start_nats(self.state_dir, port=self.server.port)


# On the integration tests' ``state_dir`` (not tmp_path: as root, PostgreSQL runs as its own
# user); a test with both keeps PostgreSQL's and NATS's data side by side there.
@pytest.fixture
def own_postgres(state_dir: Path) -> Iterator[OwnPostgres]:
    server = OwnPostgres(state_dir)
    yield server
    server.stop()


@pytest.fixture
def own_nats(state_dir: Path) -> Iterator[OwnNats]:
    server = OwnNats(state_dir)
    yield server
    server.stop()
