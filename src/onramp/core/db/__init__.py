"""Async SQLAlchemy: engine, sessions and the unit of work.

One unit of work per request or message: the API dependency or the worker wrapper opens it and
commits it. Services take the session as a keyword argument, may flush, and never commit.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, MetaData, Numeric
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from onramp.core.db.connection_loss import connect_or_unavailable, watch_connection_loss

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Amounts are integer minor units; 78 digits hold any uint256 (USDC base units on-chain).
MinorUnits = Numeric(78, 0)
Rate = Numeric(38, 18)


SERVER_SETTINGS = {"lock_timeout": "15s", "idle_in_transaction_session_timeout": "120s"}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True), Decimal: Rate}


def asyncpg_url(url: str) -> str:
    """Accept ``postgresql://`` URLs (as libpq and the stack write them) for the asyncpg driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


def create_engine(
    url: str, *, pool_size: int = 10, max_overflow: int = 10, echo: bool = False
) -> AsyncEngine:
    if not url:
        raise RuntimeError(
            "no database configured: set ONRAMP_DATABASE__URL or start the dev stack (onramp dev)"
        )
    engine = create_async_engine(
        asyncpg_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        echo=echo,
        connect_args={
            # A lock wait or an abandoned transaction becomes an error instead of a silent hang.
            "server_settings": SERVER_SETTINGS,
            "async_creator_fn": connect_or_unavailable,
        },
    )
    # A connection a PostgreSQL restart broke is dropped, never handed out again.
    watch_connection_loss(engine)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def unit_of_work(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session in one transaction: committed on success, rolled back on any exception."""
    async with factory() as session, session.begin():
        yield session


@asynccontextmanager
async def standalone_sessions(url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a one-connection engine of their own, disposed afterwards: for commands and
    one-off jobs that run outside an API or worker process."""
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


def as_int(value: Any) -> int:
    """Numeric(78, 0) columns come back as Decimal; amounts are ints in the domain."""
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    raise TypeError(f"not an integer amount: {value!r}")


def to_json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


def row_dict(row: Base, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A mapped row as JSON-ready data (for exports): every column but ``exclude``."""
    return {
        column.key: to_json_value(getattr(row, column.key))
        for column in row.__mapper__.column_attrs
        if column.key not in exclude
    }
