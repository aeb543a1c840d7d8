"""Which code runs against the database: every API and worker process announces, at start and
every ``ANNOUNCE_SECONDS``, the migration head its code was built for (``running_versions``,
migration 0054); a row not renewed for ``STALE_SECONDS`` is a process gone. Blue-green runs two
heads at once for a while: ``onramp migrate --check`` (core/db/migrate.py) refuses a contract
step while a process of the other, older head is alive."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Text, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, unit_of_work
from onramp.core.logging import get_logger

log = get_logger(__name__)

ANNOUNCE_SECONDS = 30.0
STALE_SECONDS = 90.0


class RunningVersion(Base):
    """The table the announcements below write (migration 0054), declared for the schema."""

    __tablename__ = "running_versions"

    process: Mapped[str] = mapped_column(Text, primary_key=True)
    head: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def process_name(kind: str) -> str:
    """This process, for the table: its kind (``api``, ``worker:<host>``), host and pid."""
    return f"{kind}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


async def announce(session: AsyncSession, *, process: str, head: str) -> None:
    await session.execute(
        text(
            "INSERT INTO running_versions (process, head, started_at, seen_at)"
            " VALUES (:process, :head, now(), now())"
            " ON CONFLICT (process) DO UPDATE SET head = EXCLUDED.head, seen_at = now()"
        ),
        {"process": process, "head": head},
    )


async def withdraw(session: AsyncSession, *, process: str) -> None:
    """A process stopping says so (else its row goes stale after ``STALE_SECONDS``)."""
    await session.execute(
        text("DELETE FROM running_versions WHERE process = :process"), {"process": process}
    )


async def live_heads(
    session: AsyncSession, *, stale_after: timedelta = timedelta(seconds=STALE_SECONDS)
) -> dict[str, str]:
    """The processes alive now, by name, and the head each was built for."""
    rows = await session.execute(
        text(
            "SELECT process, head FROM running_versions"
            " WHERE seen_at > now() - CAST(:stale AS interval)"
        ),
        {"stale": stale_after},
    )
    return {str(process): str(head) for process, head in rows}


async def keep_announcing(
    sessions: async_sessionmaker[AsyncSession],
    *,
    kind: str,
    head: str,
    every: float = ANNOUNCE_SECONDS,
) -> None:
    """Announce ``head`` (``migrate.code_head()``) for this process until cancelled, then
    withdraw it (a task of the API's lifespan and of each worker host). A database that does
    not have the table yet (migrated before 0054) or does not answer is tried again next round."""
    process = process_name(kind)
    try:
        while True:
            try:
                async with unit_of_work(sessions) as session:
                    await announce(session, process=process, head=head)
            except (SQLAlchemyError, OSError) as exc:
                log.warning("versions.announce_failed", error=str(exc)[:200])
            await asyncio.sleep(every)
    finally:
        try:
            async with unit_of_work(sessions) as session:
                await withdraw(session, process=process)
        except (SQLAlchemyError, OSError):
            pass  # stale after STALE_SECONDS anyway
