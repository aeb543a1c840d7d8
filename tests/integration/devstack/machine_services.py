"""The machine's own PostgreSQL and NATS JetStream (``ONRAMP_TEST_SERVICES_DATABASE`` /
``ONRAMP_TEST_SERVICES_NATS``), for tests of a stack on services it did not start: a new
database and a stream of the test's own (its name and subject prefix), both removed afterwards
(tests skip where the machine has no such services). Two test processes may use them at once:
no stream of another's is touched but a leftover of a killed run, an hour old."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import nats
import pytest
from nats.js.errors import NotFoundError

SERVER = os.environ.get("ONRAMP_TEST_SERVICES_DATABASE", "postgresql://postgres@127.0.0.1:5432")
NATS_URL = os.environ.get("ONRAMP_TEST_SERVICES_NATS", "nats://127.0.0.1:4222")
STREAM_PREFIX = "ONRAMP_SVC_"


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(f"{SERVER}/postgres", timeout=3)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _drop_streams(*names: str) -> None:
    """Remove ``names``, and streams of these tests a killed run left (an hour old or more)."""
    client = await nats.connect(NATS_URL, connect_timeout=3, max_reconnect_attempts=0)
    try:
        js = client.jetstream()
        stale = datetime.now(UTC) - timedelta(hours=1)
        left = [
            s.config.name
            for s in await js.streams_info()
            if s.config.name and s.config.name.startswith(STREAM_PREFIX) and _created(s) < stale
        ]
        for name in {*names, *left}:
            try:
                await js.delete_stream(name)
            except NotFoundError:
                pass
    finally:
        await client.close()


def _created(info: Any) -> datetime:
    created = getattr(info, "created", None)
    return created if isinstance(created, datetime) else datetime.now(UTC)  # unknown: kept


@pytest.fixture
def database() -> Iterator[str]:
    """A new, empty database on the machine's PostgreSQL, dropped afterwards."""
    name = f"onramp_svc_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"no PostgreSQL service at {SERVER}: {exc}")
    yield f"{SERVER}/{name}"
    asyncio.run(_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture
def stream() -> Iterator[dict[str, str]]:
    """The NATS settings of a stream of the test's own on the machine's NATS (its name, and a
    subject prefix no other stack uses), deleted afterwards."""
    token = uuid.uuid4().hex[:8]
    name = f"{STREAM_PREFIX}{token.upper()}"
    try:
        asyncio.run(_drop_streams())
    except (OSError, nats.errors.Error) as exc:
        pytest.skip(f"no NATS service at {NATS_URL}: {exc}")
    yield {"url": NATS_URL, "stream": name, "subject_prefix": f"svc{token}."}
    asyncio.run(_drop_streams(name))
