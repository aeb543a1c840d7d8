"""One unit of work per request: committed before the response leaves, or the request fails."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.api.errors import install_error_handlers
from onramp.core.audit import AuditRecord, record
from onramp.core.db import create_engine, session_factory, unit_of_work
from onramp.core.web import SessionDep
from onramp.devstack.stack import Stack


def _app(database_url: str) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = create_engine(database_url, pool_size=2, max_overflow=0)
        app.state.sessions = session_factory(app.state.engine)
        yield
        await app.state.engine.dispose()

    app = FastAPI(lifespan=lifespan)
    install_error_handlers(app)

    @app.post("/things/{entity}")
    async def write(entity: str, session: SessionDep, fail_commit: bool = False) -> dict[str, Any]:
        await record(session, actor="test", action="thing", entity_type="t", entity_id=entity)
        if fail_commit:

            def refuse(_: Any) -> None:
                raise RuntimeError("commit refused")

            event.listen(session.sync_session, "before_commit", refuse)
        return {"written": entity}

    return app


async def _exists(sessions: async_sessionmaker[AsyncSession], entity: str) -> bool:
    async with unit_of_work(sessions) as session:
        found = await session.scalar(select(AuditRecord.id).where(AuditRecord.entity_id == entity))
    return found is not None


async def test_the_commit_happens_before_the_response(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    entity, failing = str(uuid.uuid4()), str(uuid.uuid4())
    with TestClient(_app(infra.settings.database.url), raise_server_exceptions=False) as client:
        ok = client.post(f"/things/{entity}")
        refused = client.post(f"/things/{failing}", params={"fail_commit": True})
    assert ok.status_code == 200
    assert await _exists(sessions, entity)
    # The commit failed after the handler returned: the client must not see a success.
    assert refused.status_code == 500
    assert refused.json()["code"] == "internal_error"
    assert not await _exists(sessions, failing)
    async with unit_of_work(sessions) as session:
        assert (await session.execute(text("SELECT 1"))).scalar() == 1
