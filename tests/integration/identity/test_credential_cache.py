"""Two API processes' credential caches over the real database: the second request of a session
reads nothing, and a logout, a role change or a deactivation committed anywhere reaches both
caches as a notice (``auth_changed``), so the next lookup reads again and refuses."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.auth import CredentialCache, InvalidToken, Principal, listening_for_changes
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.identity.credentials import IdentityCredentials
from onramp.identity.models import AuthSession, User
from tests.integration.sql_statements import counted_statements


async def _until(done: Callable[[], bool], timeout: float = 2.0) -> float:
    """Seconds until ``done()`` (the notice's delivery); fails after ``timeout``."""
    start = time.monotonic()
    while not done():
        assert time.monotonic() - start < timeout, "the change never reached the cache"
        await asyncio.sleep(0.001)
    return time.monotonic() - start


@pytest.fixture
async def caches(infra: Stack) -> AsyncIterator[tuple[CredentialCache, CredentialCache]]:
    """Two processes' caches, each with its own LISTEN connection."""
    a, b = CredentialCache(), CredentialCache()
    async with AsyncExitStack() as stack:
        for cache in (a, b):
            listener = await stack.enter_async_context(
                listening_for_changes(infra.settings.database.url, cache)
            )
            assert await listener.connected()
        yield a, b


async def _signed_in(sessions: async_sessionmaker[AsyncSession]) -> Principal:
    now = utcnow()
    user = User(id=uuid.uuid4(), password_hash="!", role="customer")
    user.email, user.full_name = f"cache.{uuid.uuid4().hex}@example.com", "Cache Test"
    login = AuthSession(
        id=uuid.uuid4(),
        user_id=user.id,
        created_at=now,
        last_used_at=now,
        expires_at=now + timedelta(hours=1),
        ip="127.0.0.1",
        user_agent="test",
    )
    async with unit_of_work(sessions) as session:
        session.add(user)
        await session.flush()
        session.add(login)
    return Principal(user_id=user.id, role="customer", session_id=login.id)


async def _lookup(
    store: IdentityCredentials, sessions: async_sessionmaker[AsyncSession], who: Principal
) -> Principal:
    async with unit_of_work(sessions) as session:
        return await store.session_principal(session, who, now=utcnow())


async def _change(sessions: async_sessionmaker[AsyncSession], sql: str, row: uuid.UUID) -> None:
    async with unit_of_work(sessions) as session:
        await session.execute(text(sql), {"id": row})


@pytest.mark.parametrize(
    ("sql", "row"),
    [
        ("UPDATE auth_sessions SET revoked_at = now() WHERE id = :id", "session"),  # logout
        ("UPDATE users SET deactivated_at = now() WHERE id = :id", "user"),  # staff who left
    ],
)
async def test_a_change_anywhere_refuses_the_next_lookup_in_every_process(
    caches: tuple[CredentialCache, CredentialCache],
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    sql: str,
    row: str,
) -> None:
    who = await _signed_in(sessions)
    stores = [IdentityCredentials(cache) for cache in caches]
    for store in stores:
        await _lookup(store, sessions, who)
    with counted_statements(engine) as statements:
        for store in stores:
            assert (await _lookup(store, sessions, who)).user_id == who.user_id
    assert [s for s in statements if "auth_sessions" in s] == []  # both answered from memory

    await _change(sessions, sql, who.login_session() if row == "session" else who.user_id)

    # Delivered at commit; over HTTP the caller's next request comes after the revoking
    # request's response (tests/e2e/test_sessions.py), here the very next statement.
    for cache in caches:
        await _until(lambda cache=cache: len(cache) == 0)  # type: ignore[misc]
    for store in stores:
        with pytest.raises(InvalidToken):
            await _lookup(store, sessions, who)


async def test_a_role_change_is_read_on_the_next_lookup(
    caches: tuple[CredentialCache, CredentialCache], sessions: async_sessionmaker[AsyncSession]
) -> None:
    who = await _signed_in(sessions)
    store = IdentityCredentials(caches[1])
    assert (await _lookup(store, sessions, who)).role == "customer"

    await _change(sessions, "UPDATE users SET role = 'auditor' WHERE id = :id", who.user_id)
    await _until(lambda: len(caches[1]) == 0)

    assert (await _lookup(store, sessions, who)).role == "auditor"


async def test_a_touch_that_changes_nothing_that_lets_a_caller_in_drops_nothing(
    caches: tuple[CredentialCache, CredentialCache], sessions: async_sessionmaker[AsyncSession]
) -> None:
    who = await _signed_in(sessions)
    store = IdentityCredentials(caches[0])
    await _lookup(store, sessions, who)
    await _change(
        sessions,
        "UPDATE auth_sessions SET last_used_at = now() WHERE id = :id",
        who.login_session(),
    )
    await asyncio.sleep(0.2)  # time enough for a notice, were one sent
    assert len(caches[0]) == 1


async def test_without_a_listener_every_lookup_reads(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    who = await _signed_in(sessions)
    store = IdentityCredentials(CredentialCache())  # not live: nobody hears changes
    await _lookup(store, sessions, who)
    with counted_statements(engine) as statements:
        await _lookup(store, sessions, who)
    assert any("auth_sessions" in s for s in statements)
