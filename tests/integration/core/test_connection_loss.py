"""A PostgreSQL restart breaks pooled connections: they are dropped, never handed out again
(core/db/connection_loss.py). On a PostgreSQL of the test's own: the shared stack's is never
restarted."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.api.errors import PROBLEM_JSON, install_error_handlers
from onramp.core.db import create_engine, session_factory, unit_of_work
from onramp.core.db.connection_loss import is_connection_loss
from onramp.core.wakeup import Wakeup
from onramp.core.web import SessionDep
from tests.integration.core.conftest import OwnPostgres

pytestmark = pytest.mark.integration


@pytest.fixture
async def engine(own_postgres: OwnPostgres) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(own_postgres.url(), pool_size=2, max_overflow=0)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


async def backend_pid(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with unit_of_work(sessions) as session:
        pid: int = await session.scalar(text("SELECT pg_backend_pid()"))
    return pid


async def test_the_first_unit_of_work_after_a_restart_runs_on_a_fresh_connection(
    own_postgres: OwnPostgres, sessions: async_sessionmaker[AsyncSession]
) -> None:
    before = await backend_pid(sessions)  # the pool now holds a connection to the old server

    await own_postgres.restart()

    # Before the fix the pooled connection was handed out again: "connection was closed in the
    # middle of operation", a failed request per pooled connection.
    assert await backend_pid(sessions) != before


async def test_a_server_that_is_down_is_a_lost_connection_not_a_bare_os_error(
    own_postgres: OwnPostgres, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await engine.dispose()  # no pooled connection: the next unit of work connects
    await asyncio.to_thread(own_postgres.stop)
    try:
        with pytest.raises(DBAPIError) as raised:  # before the fix: ConnectionRefusedError
            await backend_pid(sessions)
        assert raised.value.connection_invalidated
        assert is_connection_loss(raised.value)
    finally:
        await asyncio.to_thread(own_postgres.start)
    assert await backend_pid(sessions) > 0  # and the engine connects again once it is back


async def test_a_connection_left_mid_operation_is_dropped_not_reused(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    """asyncpg's protocol left in a state by a restart that cut it (bench/soak.py saw it):
    SQLAlchemy's asyncpg dialect took it for an ordinary error and kept the connection."""
    broken = await backend_pid(sessions)
    prepare = AsyncAdapt_asyncpg_connection._prepare

    async def stuck(self: Any, *args: Any) -> Any:
        if self._connection.get_server_pid() == broken:
            raise asyncpg.InternalClientError(
                "cannot switch to state 12; another operation (11) is in progress"
            )
        return await prepare(self, *args)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "_prepare", stuck)
    with pytest.raises(DBAPIError) as raised:
        await backend_pid(sessions)
    assert raised.value.connection_invalidated  # the API answers 503 database_unavailable
    # Every later unit of work runs elsewhere (before the fix: the same one, failing again).
    assert {await backend_pid(sessions) for _ in range(4)} & {broken} == set()


def api(sessions: async_sessionmaker[AsyncSession]) -> FastAPI:
    """The API's unit of work per request and its error handlers, on the test's PostgreSQL."""
    app = FastAPI()
    app.state.sessions = sessions
    install_error_handlers(app)

    @app.post("/work")
    async def work(session: SessionDep) -> dict[str, int]:
        await session.execute(text("SELECT pg_sleep(0.05)"))
        return {"backend": await session.scalar(text("SELECT pg_backend_pid()"))}

    return app


async def test_requests_during_a_restart_are_answered_or_503_never_500(
    own_postgres: OwnPostgres, sessions: async_sessionmaker[AsyncSession]
) -> None:
    transport = httpx.ASGITransport(app=api(sessions))
    answers: list[httpx.Response] = []
    restarted = asyncio.Event()

    async def client() -> None:
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            while not restarted.is_set():
                answers.append(await http.post("/work"))
                if answers[-1].status_code == 503:
                    await asyncio.sleep(0.05)
            for _ in range(3):  # after the restart every request is served
                answers.append(last := await http.post("/work"))
                assert last.status_code == 200, last.text

    async def restart() -> None:
        await asyncio.sleep(0.3)
        await own_postgres.restart()
        restarted.set()

    await asyncio.gather(restart(), *(client() for _ in range(4)))
    statuses = {answer.status_code for answer in answers}
    assert statuses <= {200, 503}, [a.text for a in answers if a.status_code not in (200, 503)]
    for unavailable in (a for a in answers if a.status_code == 503):
        assert unavailable.headers["content-type"] == PROBLEM_JSON
        assert unavailable.headers["retry-after"] == "1"
        assert unavailable.json()["code"] == "database_unavailable"


def test_a_lock_timeout_or_a_serialization_failure_is_not_a_lost_connection() -> None:
    for busy in (asyncpg.LockNotAvailableError(), asyncpg.SerializationError()):
        assert not is_connection_loss(busy)  # the connection is fine: it is not dropped
    assert is_connection_loss(asyncpg.AdminShutdownError())
    assert is_connection_loss(asyncpg.CannotConnectNowError())


async def test_a_wakeup_listens_again_after_a_restart(own_postgres: OwnPostgres) -> None:
    """A worker's LISTEN connection is closed by the restart: it listens again on its next wait
    (before, it slept out every later wait and only its slow poll found the work)."""
    async with Wakeup(own_postgres.url(), "onramp_test") as wakeup:
        await own_postgres.restart()
        await wakeup.wait(0.1)  # finds the connection closed: listens again, returns at once
        notifier = await asyncpg.connect(own_postgres.url())
        try:
            await notifier.execute("NOTIFY onramp_test")
        finally:
            await notifier.close()
        # Woken by the notification: without it this wait would last its whole minute.
        await asyncio.wait_for(wakeup.wait(60.0), timeout=30.0)
