"""Rate limits per route class, per IP and per account, in process and shared through Redis."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.core.ratelimit import RedisRateLimiter
from onramp.core.settings import RateLimitSettings, Settings
from onramp.devstack.stack import Stack
from onramp.runtime.app import create_app
from tests.e2e.conftest import PASSWORD

REDIS_URL = os.environ.get("ONRAMP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMITS = RateLimitSettings(
    enabled=True,
    login_per_ip=4,
    quote_per_account=3,
    quote_per_ip=1000,
    webhook_per_ip=2,
    # Fixed windows: an hour, so a test's few requests never straddle two of them.
    window_seconds=3600,
)


def _settings(infra: Stack, **extra: object) -> Settings:
    return infra.settings.model_copy(update={"rate_limits": LIMITS, **extra})


@asynccontextmanager
async def _client(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    ip: str | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    app.state.engine, app.state.sessions = engine, sessions
    ip = ip or f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://onramp.test") as client:
        yield client
    if isinstance(app.state.rate_limiter, RedisRateLimiter):
        await app.state.rate_limiter.close()


async def _customer(client: httpx.AsyncClient) -> None:
    email = f"rl.{uuid.uuid4().hex}@example.com"
    await client.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "R"}
    )
    login = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"


async def _quote(client: httpx.AsyncClient) -> httpx.Response:
    return await client.post(
        "/v1/quotes", json={"source_currency": "EUR", "source_amount": "100.00"}
    )


async def test_quotes_per_account(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with _client(_settings(infra), engine, sessions) as client:
        await _customer(client)
        answers = [await _quote(client) for _ in range(4)]
    assert [r.status_code for r in answers] == [201, 201, 201, 429]
    assert [r.headers["RateLimit-Remaining"] for r in answers[:3]] == ["2", "1", "0"]
    assert answers[0].headers["RateLimit-Limit"] == "3"
    refused = answers[3]
    assert refused.json()["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= LIMITS.window_seconds
    assert refused.headers["RateLimit-Remaining"] == "0"


async def test_logins_per_ip_whoever_logs_in(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with _client(_settings(infra), engine, sessions) as client:
        statuses = [
            (
                await client.post(
                    "/v1/auth/login",
                    json={"email": f"x{i}.{uuid.uuid4().hex}@example.com", "password": "p" * 12},
                )
            ).status_code
            for i in range(5)
        ]
    assert statuses == [401, 401, 401, 401, 429]


async def test_redis_shares_the_count_between_api_processes(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    redis = Redis.from_url(REDIS_URL)
    try:
        await redis.ping()
    except RedisConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL} (set ONRAMP_TEST_REDIS_URL)")
    finally:
        await redis.aclose()
    settings = _settings(infra, redis_url=REDIS_URL)
    ip = f"10.250.{random.randrange(256)}.{random.randrange(1, 255)}"
    body = b"{}"
    async with (
        _client(settings, engine, sessions, ip) as first,
        _client(settings, engine, sessions, ip) as second,
    ):
        a = await first.post("/v1/webhooks/bank/sandbox", content=body)
        b = await second.post("/v1/webhooks/bank/sandbox", content=body)
        c = await first.post("/v1/webhooks/bank/sandbox", content=body)
    # Two apps, one shared window of 2: the third call is refused whichever app takes it.
    assert (a.status_code, b.status_code) == (401, 401)  # unsigned, but counted
    assert c.status_code == 429
