"""A lost database connection (a PostgreSQL restart, a failover) is dropped, never reused.

Without this, a PostgreSQL restart under load answered 500s (bench/soak.py): the connect of a
new connection while the server was down raised a bare ``ConnectionRefusedError`` (no DB-API
error at all), and a pooled connection the restart cut mid-operation stayed in the pool with
asyncpg's protocol stuck (``InternalClientError: cannot switch to state 12; another operation
is in progress``), which SQLAlchemy's asyncpg dialect does not count as a disconnect.

Three engine hooks (``watch_connection_loss``):

* connect: a refused or timed-out connect becomes asyncpg's ``ConnectionFailureError``
  (SQLSTATE 08006), which SQLAlchemy wraps as a DB-API error like any other;
* ``handle_error``: an error that means the connection is gone (``is_connection_loss``) marks
  it as a disconnect, so SQLAlchemy invalidates it and every pooled connection older than it
  (one restart breaks them all), and the error says ``connection_invalidated``;
* checkout: a pooled connection whose socket the server already closed is replaced before it is
  handed out (no round trip, unlike ``pool_pre_ping``'s three per unit of work), so the first
  request after a restart runs on a fresh connection.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

# Class 08 (connection exception) and 57P0x (admin or crash shutdown, cannot connect now, the
# database dropped, an idle session ended): the server closed the connection or will not take
# one yet.
_SERVER_AWAY_PREFIXES = ("08", "57P0")


def sqlstate_of(error: BaseException | None) -> str | None:
    sqlstate = getattr(error, "sqlstate", None)
    return sqlstate if isinstance(sqlstate, str) else None


def is_connection_loss(error: BaseException | None) -> bool:
    """Whether ``error`` (a driver error, or its DB-API wrapping: the chain is followed) means the
    connection cannot be used again: the server went away, or asyncpg's protocol was left
    mid-operation by a connection cut under it."""
    seen = 0
    while error is not None and seen < 5:  # the wrappers: DB-API error <- asyncpg error
        if isinstance(error, asyncpg.InternalClientError | asyncpg.ConnectionDoesNotExistError):
            return True
        sqlstate = sqlstate_of(error)
        if sqlstate is not None and sqlstate.startswith(_SERVER_AWAY_PREFIXES):
            return True
        error = error.__cause__ or getattr(error, "orig", None)
        seen += 1
    return False


async def connect_or_unavailable(*args: Any, **kwargs: Any) -> asyncpg.Connection:
    """``asyncpg.connect``, with a server that does not answer reported as a connection failure
    (SQLSTATE 08006) instead of a bare ``OSError`` that no handler takes for the database."""
    try:
        return await asyncpg.connect(*args, **kwargs)
    except OSError as exc:  # refused, reset, timed out (TimeoutError is an OSError)
        raise asyncpg.ConnectionFailureError(f"cannot reach PostgreSQL: {exc}") from exc


def _mark_disconnect(context: ExceptionContext) -> None:
    if not context.is_disconnect and is_connection_loss(context.original_exception):
        context.is_disconnect = True


def _replace_if_closed(
    dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection
) -> None:
    driver = proxy.driver_connection
    if isinstance(driver, asyncpg.Connection) and driver.is_closed():
        # The pool discards this connection and checks out (or opens) another one.
        raise DisconnectionError("the server closed this pooled connection")


def watch_connection_loss(engine: AsyncEngine) -> None:
    """Install the error and checkout hooks (see the module's docstring) on ``engine``."""
    event.listen(engine.sync_engine, "handle_error", _mark_disconnect)
    event.listen(engine.sync_engine.pool, "checkout", _replace_if_closed)
