"""Brute force hits the lockout: per account (known or unknown email alike) and per IP."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.core.clock import FixedClock
from onramp.devstack.stack import Stack
from onramp.runtime.app import create_app
from tests.e2e.conftest import PASSWORD


@asynccontextmanager
async def _client(
    infra: Stack,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    ip: str,
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(infra.settings, clock=clock)
    app.state.engine, app.state.sessions = engine, sessions
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://onramp.test") as client:
        yield client


def _ip() -> str:
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


async def _login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/v1/auth/login", json={"email": email, "password": password})


async def test_an_account_locks_after_repeated_failures_and_unlocks_with_time(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    clock = FixedClock(datetime.now(UTC))
    threshold = infra.settings.auth.lockout_threshold
    async with _client(infra, engine, sessions, clock, _ip()) as client:
        email = f"l.{uuid.uuid4().hex}@example.com"
        r = await client.post(
            "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "L"}
        )
        assert r.status_code == 201
        for _ in range(threshold):
            assert (await _login(client, email, "wrong wrong wrong")).status_code == 401
        locked = await _login(client, email, PASSWORD)  # even the right password waits
        assert locked.status_code == 429
        assert locked.json()["code"] == "login_locked"
        assert int(locked.headers["Retry-After"]) >= 1
        # Another failure doubles the wait.
        clock.set(clock.now() + timedelta(seconds=int(locked.headers["Retry-After"])))
        assert (await _login(client, email, "wrong again wrong")).status_code == 401
        again = await _login(client, email, PASSWORD)
        assert again.status_code == 429
        assert int(again.headers["Retry-After"]) > int(locked.headers["Retry-After"])
        clock.set(clock.now() + timedelta(seconds=int(again.headers["Retry-After"])))
        assert (await _login(client, email, PASSWORD)).status_code == 200
        # A success ends the streak.
        assert (await _login(client, email, "one more mistake")).status_code == 401
        assert (await _login(client, email, PASSWORD)).status_code == 200


async def test_unknown_emails_lock_exactly_like_known_ones(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    clock = FixedClock(datetime.now(UTC))
    threshold = infra.settings.auth.lockout_threshold
    async with _client(infra, engine, sessions, clock, _ip()) as client:
        ghost = f"ghost.{uuid.uuid4().hex}@example.com"
        answers = [
            (await _login(client, ghost, "guess guess guess")).status_code for _ in range(threshold)
        ]
        locked = await _login(client, ghost, "guess guess guess")
    assert answers == [401] * threshold
    assert locked.status_code == 429
    assert locked.json()["code"] == "login_locked"


async def test_an_ip_guessing_many_accounts_is_locked(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    clock = FixedClock(datetime.now(UTC))
    ip = _ip()
    limit = infra.settings.auth.ip_lockout_threshold
    async with _client(infra, engine, sessions, clock, ip) as client:
        for i in range(limit):
            r = await _login(client, f"spray{i}.{uuid.uuid4().hex}@example.com", "Winter2026!!!!")
            assert r.status_code == 401
        blocked = await _login(client, f"fresh.{uuid.uuid4().hex}@example.com", "Winter2026!!!!")
        assert blocked.status_code == 429
    async with _client(infra, engine, sessions, clock, _ip()) as elsewhere:
        r = await _login(elsewhere, f"fresh.{uuid.uuid4().hex}@example.com", "Winter2026!!!!")
        assert r.status_code == 401  # other addresses are not affected
