"""Writer leases with fencing: how a worker that must run once (the payout sender of a hot
wallet, the audit sealer) runs as several replicas, one of them writing.

A lease is a row (``writer_leases``): its holder, a fencing token and when it expires, all in
the database's clock. A replica takes it only once the last holder's lease expired, and taking
it raises the token; the holder renews it well before it expires. The writer's own transactions
call ``fence`` first: it locks the lease row (``FOR SHARE``) and checks the token is still this
replica's and unexpired, so a replica that paused (GC, a partition, a stopped VM) past its lease
cannot sign, store or seal anything once another took over: its transaction raises
``LeaseLost`` and rolls back, and a takeover waits for a write in progress to commit.

An advisory lock held on one connection is not enough: the connection can drop while the
process goes on writing through its pool, and a half-open connection keeps the lock for the
server until TCP gives up."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Text, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, unit_of_work
from onramp.core.errors import ErrorKind, OnrampError
from onramp.core.logging import get_logger

log = get_logger(__name__)


class WriterLease(Base):
    """The table the lease queries below use (migration 0054), declared for the schema."""

    __tablename__ = "writer_leases"
    __table_args__ = (CheckConstraint("token > 0", name="token_positive"),)

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    holder: Mapped[str] = mapped_column(Text)
    token: Mapped[int] = mapped_column(BigInteger)
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# What a writer calls first in each of its transactions (``LeaseHolder.fence``).
Fence = Callable[[AsyncSession], Awaitable[None]]


class LeaseLost(OnrampError):
    """This replica's lease expired or another replica holds it now: it must stop writing."""

    code = "lease_lost"
    kind = ErrorKind.CONFLICT
    title = "The writer lease was lost"


@dataclass(frozen=True)
class Lease:
    name: str
    holder: str
    token: int


def holder_id() -> str:
    """Who holds a lease: the host, the process and a random part (a restarted worker inside
    the same process is another holder)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def try_acquire(
    session: AsyncSession, *, name: str, holder: str, ttl: timedelta
) -> Lease | None:
    """Take ``name`` if nobody holds it or its holder's lease expired (the token goes up);
    None while another's lease runs."""
    token = await session.scalar(
        text(
            "INSERT INTO writer_leases (name, holder, token, acquired_at, expires_at)"
            " VALUES (:name, :holder, 1, now(), now() + :ttl)"
            " ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder,"
            " token = writer_leases.token + 1, acquired_at = now(),"
            " expires_at = EXCLUDED.expires_at"
            " WHERE writer_leases.expires_at <= now()"
            " RETURNING token"
        ),
        {"name": name, "holder": holder, "ttl": ttl},
    )
    return None if token is None else Lease(name, holder, int(token))


async def renew(session: AsyncSession, lease: Lease, *, ttl: timedelta) -> None:
    """Extend ``lease`` from now; ``LeaseLost`` if it expired or is another's already."""
    renewed = await session.scalar(
        text(
            "UPDATE writer_leases SET expires_at = now() + :ttl"
            " WHERE name = :name AND token = :token AND expires_at > now() RETURNING token"
        ),
        {"name": lease.name, "token": lease.token, "ttl": ttl},
    )
    if renewed is None:
        raise LeaseLost(f"lease {lease.name!r} (token {lease.token}) expired or was taken over")


async def fence(session: AsyncSession, lease: Lease) -> None:
    """In the writer's own transaction, before it writes: ``LeaseLost`` unless ``lease`` is
    still held with its token. The row stays share-locked until the transaction ends, so a
    takeover cannot slip in between this check and the commit."""
    held = await session.scalar(
        text(
            "SELECT token FROM writer_leases"
            " WHERE name = :name AND token = :token AND expires_at > now() FOR SHARE"
        ),
        {"name": lease.name, "token": lease.token},
    )
    if held is None:
        raise LeaseLost(f"lease {lease.name!r} (token {lease.token}) expired or was taken over")


async def release(session: AsyncSession, lease: Lease) -> None:
    """Let the next replica take ``lease`` at once (a graceful stop); a no-op once lost."""
    await session.execute(
        text(
            "UPDATE writer_leases SET expires_at = now()"
            " WHERE name = :name AND token = :token AND expires_at > now()"
        ),
        {"name": lease.name, "token": lease.token},
    )


class LeaseHolder:
    """One replica's hold on the lease ``name``: ``acquire`` waits until it is this replica's
    (or ``stop``), then a task renews it every third of ``ttl``; ``lost`` is set once a renewal
    fails (the writer's next ``fence`` refuses anyway). Use as ``async with`` around the
    writing loop: leaving releases the lease for the next replica."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], name: str, *, ttl: timedelta
    ) -> None:
        self._sessions, self.name, self._ttl = sessions, name, ttl
        self.holder = holder_id()
        self.lease: Lease | None = None
        self.lost = asyncio.Event()
        self._asked = False  # acquire was called: from then on ``guard`` fences
        self._renewer: asyncio.Task[None] | None = None

    async def acquire(self, stop: asyncio.Event) -> Lease | None:
        """This replica's lease, once it has it; None if ``stop`` was set first."""
        self._asked = True
        interval = self._ttl.total_seconds() / 3
        while not stop.is_set():
            async with unit_of_work(self._sessions) as session:
                lease = await try_acquire(
                    session, name=self.name, holder=self.holder, ttl=self._ttl
                )
            if lease is not None:
                log.info("lease.acquired", lease=self.name, token=lease.token)
                self.lease = lease
                self._renewer = asyncio.create_task(self._renew(lease, interval))
                return lease
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass
        return None

    async def _renew(self, lease: Lease, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                async with unit_of_work(self._sessions) as session:
                    await renew(session, lease, ttl=self._ttl)
            except LeaseLost:
                log.error("lease.lost", lease=self.name, token=lease.token)
                self.lost.set()
                return
            except Exception as exc:  # noqa: BLE001 - a database hiccup: try again next round
                log.warning("lease.renew_failed", lease=self.name, error=str(exc)[:300])

    async def fence(self, session: AsyncSession) -> None:
        """``fence`` with this replica's lease (``LeaseLost`` before it has one)."""
        if self.lease is None:
            raise LeaseLost(f"lease {self.name!r} is not held by this replica")
        await fence(session, self.lease)

    async def guard(self, session: AsyncSession) -> None:
        """``fence`` once a loop asked for the lease; nothing before (a writer's methods called
        one-off, outside a worker loop: tests, tools)."""
        if self._asked:
            await self.fence(session)

    async def close(self) -> None:
        """Stop renewing and release the lease (the next replica takes over at once)."""
        if self._renewer is not None:
            self._renewer.cancel()
            await asyncio.gather(self._renewer, return_exceptions=True)
        if self.lease is not None and not self.lost.is_set():
            try:
                async with unit_of_work(self._sessions) as session:
                    await release(session, self.lease)
            except Exception as exc:  # noqa: BLE001 - it expires by itself anyway
                log.warning("lease.release_failed", lease=self.name, error=str(exc)[:300])
        self.lease = None
