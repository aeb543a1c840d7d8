"""What let a caller in, remembered per API process, forgotten the moment it changes anywhere.

Every authenticated request used to read its login session (or API key) and its owner: one
round trip before the route did anything. The cache keeps those answers, and a trigger on
``auth_sessions``, ``api_keys`` and ``users`` (migration 0051) sends ``NOTIFY auth_changed``
with ``<table>:<id>`` whenever what lets a caller in changes: a logout or revocation, a key's
revocation, rotation or scopes, a user's role, deactivation or erasure. Each API process keeps
one ``LISTEN`` connection (``CredentialListener``) and drops the entries naming that id when the
notice arrives; PostgreSQL delivers it at commit, before the revoking request has even answered,
so the caller's next request, on any process, finds the entry gone.

Safe by default: while no listener is connected (start-up, a lost connection, tests without
the API's lifespan) the cache is not ``live`` and every lookup goes to the database; losing the
connection empties it. A lookup that raced a notice (read before, stored after) is not stored
(the generation check). Entries also carry what ends them by time (a session's or key's expiry,
a rotated key's grace period), checked on every hit, and a bound on their age.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import asyncpg

from onramp.core.logging import get_logger
from onramp.core.wakeup import libpq_url

log = get_logger(__name__)

CHANNEL = "auth_changed"
MAX_ENTRIES = 20_000
# Defence in depth only (a notice is what invalidates): no answer is older than this.
MAX_AGE_SECONDS = 300.0
RECONNECT_SECONDS = 1.0

T = TypeVar("T")


def watched(table: str, row_id: object) -> str:
    """The name a notice gives a row: ``<table>:<id>``, as the trigger writes it."""
    return f"{table}:{row_id}"


@dataclass(frozen=True)
class Entry(Generic[T]):
    value: T
    ends_at: datetime | None  # when it stops letting anyone in by time alone
    rows: frozenset[str]  # the rows whose change drops it (``watched``)
    stored: float  # time.monotonic()


class CredentialCache:
    def __init__(self, *, max_entries: int = MAX_ENTRIES, max_age: float = MAX_AGE_SECONDS):
        self._entries: OrderedDict[str, Entry[Any]] = OrderedDict()
        self._by_row: dict[str, set[str]] = {}
        self._max_entries = max_entries
        self._max_age = max_age
        self.generation = 0  # bumped by every notice and every clear
        self.live = False  # a listener is connected: only then is anything kept

    def get(self, key: str, now: datetime) -> Any | None:
        if not self.live:
            return None
        entry = self._entries.get(key)
        if entry is None:
            return None
        if (entry.ends_at is not None and entry.ends_at <= now) or (
            time.monotonic() - entry.stored > self._max_age
        ):
            self._remove(key)
            return None
        return entry.value

    def put(
        self,
        key: str,
        value: object,
        *,
        ends_at: datetime | None,
        rows: Iterable[str],
        generation: int,
    ) -> None:
        """Keep ``value`` unless a notice (or a clear) came since ``generation`` was read: the
        answer may predate the change."""
        if not self.live or generation != self.generation:
            return
        self._remove(key)
        entry = Entry(value, ends_at, frozenset(rows), time.monotonic())
        self._entries[key] = entry
        for row in entry.rows:
            self._by_row.setdefault(row, set()).add(key)
        while len(self._entries) > self._max_entries:
            self._remove(next(iter(self._entries)))

    def changed(self, row: str) -> None:
        self.generation += 1
        for key in self._by_row.pop(row, set()):
            self._remove(key)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()
        self._by_row.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _remove(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        for row in entry.rows:
            keys = self._by_row.get(row)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_row[row]


_cache = CredentialCache()


def credential_cache() -> CredentialCache:
    return _cache


class CredentialListener:
    """The API process's ``LISTEN auth_changed`` (``listening_for_changes``); the cache is live
    only while it is connected, and reconnects (emptied) after a loss."""

    def __init__(self, database_url: str, cache: CredentialCache | None = None) -> None:
        self._url = libpq_url(database_url)
        self._cache = cache if cache is not None else _cache
        self._task: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()

    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: object) -> None:
        self._cache.changed(str(payload))

    def _terminated(self, _conn: object) -> None:
        self._go_dark()
        self._lost.set()

    def _go_dark(self) -> None:
        self._cache.live = False
        self._cache.clear()

    async def _run(self) -> None:
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(self._url)
                conn.add_termination_listener(self._terminated)
                await conn.add_listener(CHANNEL, self._notified)
                self._lost.clear()
                self._cache.clear()
                self._cache.live = True
                log.info("credential_cache.live")
                await self._lost.wait()
                log.warning("credential_cache.listener_lost")
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("credential_cache.unavailable", error=str(exc))
            finally:
                self._go_dark()
                if conn is not None and not conn.is_closed():
                    await conn.close()
            await asyncio.sleep(RECONNECT_SECONDS)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._go_dark()

    async def connected(self, timeout: float = 10.0) -> bool:
        """Until the cache is live (tests, start-up); False after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not self._cache.live:
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True


@contextlib.asynccontextmanager
async def listening_for_changes(
    database_url: str, cache: CredentialCache | None = None
) -> AsyncIterator[CredentialListener]:
    """The cache is live (once connected) for the block: the API's lifespan, and tests."""
    listener = CredentialListener(database_url, cache)
    listener.start()
    try:
        yield listener
    finally:
        await listener.stop()
