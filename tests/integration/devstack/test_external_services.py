"""``onramp dev --services``: the stack's infrastructure on a PostgreSQL and a NATS it did not
start (the machine's own, ``ONRAMP_TEST_SERVICES_DATABASE`` / ``ONRAMP_TEST_SERVICES_NATS``;
skipped where there are none): migrated and booked there, left running when the stack stops,
and a second clean start on the same database refused."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

import asyncpg
import pytest
from tests.integration.devstack import machine_services

from onramp.core.settings import Settings
from onramp.devstack.external_services import ExternalPostgres, ServicesUnusable
from onramp.devstack.stack import start_infrastructure

# The fixtures: a new database on the machine's PostgreSQL, a stream name on its NATS.
database, stream = machine_services.database, machine_services.stream


async def _tables(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        )
        return count
    finally:
        await conn.close()


def test_the_stack_runs_on_given_services_and_leaves_them_running(
    database: str, stream: dict[str, str]
) -> None:
    settings = Settings(database={"url": database}, nats=stream)
    state_dir = Path(tempfile.mkdtemp(prefix="onramp-svc-"))
    said: list[str] = []
    try:
        stack = start_infrastructure(state_dir, services=settings, progress=said.append)
        try:
            assert isinstance(stack.postgres, ExternalPostgres)
            assert stack.settings.database.url == database
            assert stack.env()["ONRAMP_NATS__STREAM"] == settings.nats.stream
            assert any("(given: --services)" in line for line in said)
        finally:
            stack.stop()
        # Migrated there, and still served after the stack stopped: it was not the stack's.
        assert asyncio.run(_tables(database)) > 50
        with pytest.raises(ServicesUnusable, match="holds onramp's tables already"):
            start_infrastructure(state_dir, services=settings)
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)
