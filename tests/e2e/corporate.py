"""A corporate client for the API-key tests: an account with MFA enrolled, on an in-process
app whose clock the test moves."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pyotp
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.core.clock import FixedClock
from onramp.core.db import unit_of_work
from onramp.core.settings import Settings
from onramp.devstack.stack import Stack
from onramp.runtime.app import create_app
from tests.e2e.conftest import PASSWORD, grant_kyc_tier

TRADING = ["quotes:create", "orders:create", "orders:read_own"]


class Corporate:
    """One user on its own client; ``session`` are its login headers."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        clock: FixedClock,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        self.client, self.clock, self.sessions = client, clock, sessions
        self.email = f"corp.{uuid.uuid4().hex}@example.com"
        self.user_id = ""
        self.secret = ""
        self.session: dict[str, str] = {}

    async def register(self) -> None:
        r = await self.client.post(
            "/v1/auth/register", json={"email": self.email, "password": PASSWORD, "full_name": "C"}
        )
        assert r.status_code == 201, r.text
        self.user_id = r.json()["id"]
        async with unit_of_work(self.sessions) as session:  # the mail path: test_account_emails
            await session.execute(
                text("UPDATE users SET email_verified_at = now() WHERE id = :id"),
                {"id": uuid.UUID(self.user_id)},
            )
        await self.log_in()

    async def log_in(self) -> None:
        r = await self.client.post(
            "/v1/auth/login", json={"email": self.email, "password": PASSWORD}
        )
        body = r.json()
        if body.get("mfa_required"):
            self.tick(31)  # a TOTP code is good once: the next step's
            r = await self.client.post(
                "/v1/auth/mfa", json={"mfa_token": body["mfa_token"], "code": self.code()}
            )
            body = r.json()
        self.session = {"Authorization": f"Bearer {body['access_token']}"}

    def code(self) -> str:
        return pyotp.TOTP(self.secret).at(self.clock.now())

    async def enrol_mfa(self) -> None:
        enrolment = await self.client.post("/v1/me/mfa/totp", headers=self.session)
        self.secret = enrolment.json()["secret"]
        confirmed = await self.client.post(
            "/v1/me/mfa/totp/confirm", json={"code": self.code()}, headers=self.session
        )
        assert confirmed.status_code == 200, confirmed.text

    async def step_up(self) -> None:
        self.tick(31)  # a TOTP code is good once: the next step's
        r = await self.client.post(
            "/v1/auth/step-up", json={"code": self.code()}, headers=self.session
        )
        assert r.status_code == 204, r.text

    def tick(self, seconds: float) -> None:
        self.clock.set(self.clock.now() + timedelta(seconds=seconds))

    async def create_key(self, scopes: list[str] | None = None, **extra: Any) -> dict[str, Any]:
        r = await self.client.post(
            "/v1/me/api-keys",
            json={"name": "bot", "scopes": scopes or TRADING, **extra},
            headers=self.session,
        )
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        return body

    async def set_role(self, role: str) -> None:
        """As an approved role change does; the caller logs in again for a session with it."""
        async with unit_of_work(self.sessions) as session:
            await session.execute(
                text("UPDATE users SET role = :role WHERE id = :id"),
                {"role": role, "id": self.user_id},
            )

    async def audit(self, action: str) -> list[dict[str, Any]]:
        async with unit_of_work(self.sessions) as session:
            rows = await session.execute(
                text(
                    "SELECT actor, data FROM audit_log WHERE entity_id = :id AND action = :action "
                    "ORDER BY id"
                ),
                {"id": self.user_id, "action": action},
            )
            return [{"actor": r.actor, "data": r.data} for r in rows]


def bearer(key_or_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key_or_token}"}


async def new_corporate(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> AsyncIterator[Corporate]:
    app = create_app(settings, clock=clock)
    app.state.engine, app.state.sessions = engine, sessions
    ip = f"10.88.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    transport = httpx.ASGITransport(app=app, client=(ip, 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://onramp.test") as client:
        corporate = Corporate(client, clock, sessions)
        await corporate.register()
        await grant_kyc_tier(settings.database.url, corporate.user_id, 2)
        yield corporate


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime.now(UTC))


@pytest.fixture
async def corporate(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> AsyncIterator[Corporate]:
    """Registered, logged in, MFA enrolled (so the session's second factor is fresh)."""
    async for c in new_corporate(infra.settings, engine, sessions, clock):
        await c.enrol_mfa()
        yield c


@pytest.fixture
async def other(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> AsyncIterator[Corporate]:
    async for c in new_corporate(infra.settings, engine, sessions, clock):
        await c.enrol_mfa()
        yield c
