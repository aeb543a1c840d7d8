"""FastAPI dependencies shared by every domain router: the unit of work, settings, the clock."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core import metrics
from onramp.core.clock import Clock
from onramp.core.db import unit_of_work
from onramp.core.errors import TooManyRequests
from onramp.core.ratelimit import Decision, Limit, RateLimiter
from onramp.core.settings import Settings


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One unit of work per request: committed when the handler returns, rolled back on error."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    async with unit_of_work(sessions) as session:
        yield session


# scope="function": the unit of work commits after the handler returns and *before* the response
# is sent, so a client never sees a success whose commit then failed, nor reads before it lands.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ClockDep = Annotated[Clock, Depends(get_clock)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def check_rate(request: Request, route_class: str, scope: str, key: str) -> None:
    """Count this request against ``<route_class>_per_<scope>``; 429 when the window is spent.

    The most restrictive decision of the request is kept for the response's RateLimit headers.
    """
    settings: Settings = request.app.state.settings
    if not settings.rate_limits.enabled:
        return
    limiter: RateLimiter = request.app.state.rate_limiter
    limit = Limit(
        requests=getattr(settings.rate_limits, f"{route_class}_per_{scope}"),
        window_seconds=settings.rate_limits.window_seconds,
    )
    decision = await limiter.hit(f"{route_class}:{scope}:{key}", limit, now=time.time())
    current: Decision | None = getattr(request.state, "rate_limit", None)
    if current is None or decision.remaining < current.remaining or not decision.allowed:
        request.state.rate_limit = decision
    if not decision.allowed:
        metrics.rate_limited(route_class, scope)
        raise TooManyRequests(
            f"at most {limit.requests} {route_class} requests per {limit.window_seconds}s",
            retry_after=decision.reset_seconds,
        )


def rate_limited(route_class: str) -> Any:
    """A route's per-IP limit: ``dependencies=[rate_limited("quote")]``."""

    async def per_ip(request: Request) -> None:
        await check_rate(request, route_class, "ip", client_ip(request))

    per_ip.rate_class = route_class  # type: ignore[attr-defined]  # read by the OpenAPI 429s
    return Depends(per_ip)
