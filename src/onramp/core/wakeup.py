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


def libpq_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


class Wakeup:
    def __init__(self, database_url: str, channel: str) -> None:
        self._url = libpq_url(database_url)
        self._channel = channel
        self._event = asyncio.Event()
        self._conn: asyncpg.Connection | None = None

    def _notified(self, *_: Any) -> None:
        self._event.set()

    async def __aenter__(self) -> Wakeup:
        try:
            self._conn = await asyncpg.connect(self._url)
            await self._conn.add_listener(self._channel, self._notified)
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("wakeup.unavailable", channel=self._channel, error=str(exc))
            self._conn = None
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._conn is not None:
            await self._conn.close()

    async def wait(self, timeout: float) -> None:
        """Until notified or ``timeout`` passed; then re-arm."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout=timeout)
        except TimeoutError:
            pass
        self._event.clear()
