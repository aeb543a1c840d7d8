"""Scheduled list refresh: each configured source, fetched on an interval, stored as a new
version only when its bytes changed.

A new version enqueues its re-screen in the same transaction (``service.store_version``); the
same bytes only move the latest version's ``checked_at``, which is what the production
freshness check reads. A source that cannot be fetched or read is logged and left for the next
round: the other sources still refresh, and the old version ages until an alert holds orders.
``onramp worker rescreen`` runs this beside the re-screen loop when sources are configured.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.fetch import fetch_list, is_url
from onramp.compliance.lists import ADAPTERS, load_list
from onramp.compliance.service import (
    LoadedVersion,
    confirm_current,
    file_sha256,
    store_version,
)
from onramp.core.clock import Clock
from onramp.core.db import unit_of_work
from onramp.core.errors import OnrampError
from onramp.core.logging import get_logger

log = get_logger(__name__)
ACTOR = "system:list_refresh"


@dataclass(frozen=True)
class ListSource:
    """A URL or a path, and its format when the name does not tell it."""

    location: str
    list_format: str | None = None

    @property
    def shown(self) -> str:
        """The location for logs: a query string may carry an access token (the EU's does)."""
        parts = urlsplit(self.location)
        return parts._replace(query="", fragment="").geturl() if parts.query else self.location

    @classmethod
    def parse(cls, text: str) -> ListSource:
        """``https://…/sdn_advanced.xml`` or ``eu-fsf-xml=https://…/content?token=…``."""
        prefix, sep, rest = text.strip().partition("=")
        if sep and prefix in ADAPTERS:
            return cls(rest.strip(), prefix)
        return cls(text.strip())


def configured_sources(
    list_url: str, list_format: str, list_sources: Iterable[str]
) -> tuple[ListSource, ...]:
    """``compliance.list_url`` (with ``list_format``) and every ``compliance.list_sources``."""
    sources = [ListSource(list_url, list_format or None)] if list_url else []
    sources += [ListSource.parse(s) for s in list_sources if s.strip()]
    return tuple(dict.fromkeys(sources))


class ListRefresher:
    """Remembers which source each location held, so an unchanged download is confirmed by its
    SHA-256 alone, without parsing 120 MB of XML again."""

    def __init__(self, sources: Sequence[ListSource]) -> None:
        self.sources = tuple(sources)
        self._source_of: dict[ListSource, str] = {}

    async def refresh(self, session: AsyncSession, source: ListSource, now: datetime) -> bool:
        """Refresh one source in ``session``; True when a new version was stored."""
        with tempfile.TemporaryDirectory(prefix="onramp-list-") as folder:
            path = await asyncio.to_thread(_local_copy, source.location, Path(folder))
            sha256 = await asyncio.to_thread(file_sha256, path)
            known = self._source_of.get(source)
            if known is not None and await confirm_current(
                session=session, source=known, sha256=sha256, now=now
            ):
                log.info("sanctions.refresh_unchanged", source=known)
                return False
            sanctions = await asyncio.to_thread(load_list, path, source.list_format)
            loaded = await store_version(
                session=session,
                sanctions=sanctions,
                sha256=sha256,
                file_name=path.name,
                actor=ACTOR,
                now=now,
            )
        self._source_of[source] = loaded.source
        _log_loaded(loaded)
        return loaded.is_new

    async def refresh_all(self, sessions: async_sessionmaker[AsyncSession], now: datetime) -> int:
        """One round: each source in its own transaction. The number of new versions."""
        stored = 0
        for source in self.sources:
            try:
                async with unit_of_work(sessions) as session:
                    stored += await self.refresh(session, source, now)
            except OnrampError as exc:
                log.warning("sanctions.refresh_failed", location=source.shown, code=exc.code)
            except Exception:
                log.exception("sanctions.refresh_failed", location=source.shown)
        return stored


def _local_copy(location: str, folder: Path) -> Path:
    return fetch_list(location, folder) if is_url(location) else Path(location)


def _log_loaded(loaded: LoadedVersion) -> None:
    if loaded.is_new:
        log.info(
            "sanctions.refresh_loaded",
            source=loaded.source,
            version_id=loaded.version_id,
            **loaded.diff.summary(),
        )
    else:
        log.info("sanctions.refresh_unchanged", source=loaded.source)


async def run_list_refresh(
    refresher: ListRefresher,
    sessions: async_sessionmaker[AsyncSession],
    *,
    clock: Clock,
    stop: asyncio.Event,
    interval: float,
) -> None:
    log.info("sanctions.refresh_started", sources=[s.shown for s in refresher.sources])
    while not stop.is_set():
        await refresher.refresh_all(sessions, clock.now())
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            pass
    log.info("sanctions.refresh_stopped")
