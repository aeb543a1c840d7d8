"""Counting the SQL statements a piece of work sends: a set-based step sends as many for a batch
of hundreds as for one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@contextmanager
def counted_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The statements sent through ``engine`` inside the block, in order."""
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))  # (conn, cursor, statement, parameters, context, many)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
