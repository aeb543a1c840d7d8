"""Fraud signals on each session: new IP or device, many accounts from one IP, failed logins."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.devstack.stack import Stack
from onramp.runtime.app import create_app
from tests.e2e.conftest import PASSWORD

Connect = Callable[[str, str], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def connect(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> Connect:
    app = create_app(infra.settings)
    app.state.engine, app.state.sessions = engine, sessions

    @asynccontextmanager
    async def client(ip: str, agent: str) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=app, client=(ip, 1))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://onramp.test", headers={"User-Agent": agent}
        ) as c:
            yield c

    return client


async def _signals(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> list[str]:
    r = await client.post("/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    listed = (await client.get("/v1/me/sessions", headers=headers)).json()["data"]
    current: list[str] = next(s for s in listed if s["current"])["risk_signals"]
    return current


def _ip() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


async def _register(client: httpx.AsyncClient) -> str:
    email = f"sig.{uuid.uuid4().hex}@example.com"
    r = await client.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "S"}
    )
    assert r.status_code == 201
    return email


async def test_new_ip_and_new_device(connect: Connect) -> None:
    home, phone = _ip(), "Phone/1.0"
    async with connect(home, phone) as c:
        email = await _register(c)
        assert await _signals(c, email) == []  # the first session is the baseline
        assert await _signals(c, email) == []
    async with connect(home, "Laptop/2.0") as c:
        assert await _signals(c, email) == ["new_device"]
    async with connect(_ip(), phone) as c:
        assert await _signals(c, email) == ["new_ip"]


async def test_many_accounts_from_one_ip(connect: Connect) -> None:
    shared = _ip()
    seen = []
    async with connect(shared, "Same/1.0") as c:
        for _ in range(3):
            seen.append("many_accounts_from_ip" in await _signals(c, await _register(c)))
    assert seen == [False, False, True]


async def test_failed_login_velocity(connect: Connect) -> None:
    async with connect(_ip(), "Agent/1.0") as c:
        email = await _register(c)
        for _ in range(3):
            r = await c.post("/v1/auth/login", json={"email": email, "password": "not it at all"})
            assert r.status_code == 401
        assert "failed_login_velocity" in await _signals(c, email)
        assert "failed_login_velocity" not in await _signals(c, email)  # the streak ended
