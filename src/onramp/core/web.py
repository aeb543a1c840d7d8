"""FastAPI dependencies shared by every domain router: the unit of work, settings, the clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.clock import Clock
from onramp.core.db import unit_of_work
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
