"""Wake-ups from PostgreSQL ``LISTEN``/``NOTIFY``: a worker sleeps until a trigger says there is
work (the outbox, queued payouts) instead of polling the table in a tight loop. Notifications are
only hints; workers still poll at a slow pace, so a missed one delays work, never loses it."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

import asyncpg

from onramp.core.logging import get_logger

log = get_logger(__name__)

OUTBOX_CHANNEL = "onramp_outbox"
PAYOUTS_CHANNEL = "onramp_payouts"
# A server that does not answer delays the worker's round by at most this, not asyncpg's 60 s.
LISTEN_CONNECT_TIMEOUT = 5.0


def libpq_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


class Wakeup:
    def __init__(self, database_url: str, channel: str) -> None:
        self._url = libpq_url(database_url)
        self._channel = channel
        self._event = asyncio.Event()
        self._conn: asyncpg.Connection | None = None
        self._unavailable = False  # the last attempt to listen failed (warned once, not each time)

    def _notified(self, *_: Any) -> None:
        self._event.set()

    async def __aenter__(self) -> Wakeup:
        await self._listen()
        return self

    async def _listen(self) -> None:
        try:
            self._conn = await asyncpg.connect(self._url, timeout=LISTEN_CONNECT_TIMEOUT)
            await self._conn.add_listener(self._channel, self._notified)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            if not self._unavailable:
                log.warning("wakeup.unavailable", channel=self._channel, error=str(exc))
            self._unavailable = True
            self._drop()
        else:
            self._unavailable = False

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.terminate()  # no round trip: the server may be gone
            self._conn = None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._conn is not None and not self._conn.is_closed():
            await self._conn.close()

    async def wait(self, timeout: float) -> None:
        """Until notified or ``timeout`` passed; then re-arm.

        A PostgreSQL restart closes the listening connection: it listens again here, and
        returns at once, since a notification sent meanwhile was lost (the caller looks)."""
        if self._conn is None or self._conn.is_closed():
            self._drop()
            await self._listen()
            if self._conn is not None:
                log.info("wakeup.listening_again", channel=self._channel)
                return
        try:
            await asyncio.wait_for(self._event.wait(), timeout=timeout)
        except TimeoutError:
            pass
        self._event.clear()
