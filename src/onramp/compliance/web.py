"""FastAPI dependencies for the screening points: the process's list matchers (built on first
use, rebuilt when a new list version is loaded) and the session factory for records that must
stand even when the request is refused."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.checkpoints import ListMatchers
from onramp.compliance.matching.settings import MatchSettings


async def get_list_matchers(request: Request) -> ListMatchers:
    matchers: ListMatchers | None = getattr(request.app.state, "list_matchers", None)
    if matchers is None:
        threshold = request.app.state.settings.compliance.name_threshold
        matchers = ListMatchers(MatchSettings(threshold=threshold))
        request.app.state.list_matchers = matchers
    return matchers


async def get_sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    return sessions


ListMatchersDep = Annotated[ListMatchers, Depends(get_list_matchers)]
SessionFactoryDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessions)]
