"""The breaker is one row shared by the whole database: each test starts and ends closed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.treasury import circuit_breaker
from onramp.treasury.risk_models import CircuitBreaker


async def _reset(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Closed as of now: what other tests announced before does not count."""
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(CircuitBreaker)
            .where(CircuitBreaker.id == 1)
            .values(
                state="closed", reason=None, trigger=None, vault_paused=False, closed_at=utcnow()
            )
        )


@pytest.fixture
async def closed_breaker(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[None]:
    circuit_breaker.register_resume_approval()
    await _reset(sessions)
    yield
    await _reset(sessions)
