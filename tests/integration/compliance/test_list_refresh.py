"""The scheduled refresh: a configured list (a file, or a URL on a local server) becomes a new
version only when its bytes changed, re-screened; the same bytes only mark it checked."""

from __future__ import annotations

import functools
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance import refresh
from onramp.compliance.errors import SanctionsListUnavailable
from onramp.compliance.models import SanctionsListVersion
from onramp.compliance.refresh import ListRefresher, ListSource
from onramp.compliance.rescreen_queue import job_for
from onramp.compliance.service import latest_checks, load_version

DATA = Path(__file__).resolve().parents[2] / "data" / "ofac"
SUBSET = DATA / "sdn_advanced_subset.xml"
TORNADO = DATA / "sdn_advanced_tornado_cash_2025-03-04.xml"
T0 = datetime(2031, 2, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
async def rolled_back(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    # Rolled back: the versions stay out of the shared database (the latest version is global).
    async with sessions() as session:
        await load_version(session=session, path=SUBSET, actor="test:sanctions")
        yield session
        await session.rollback()


@pytest.fixture(scope="module")
def publisher() -> Iterator[str]:
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(DATA))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def _ofac(session: AsyncSession) -> SanctionsListVersion:
    [check] = [c for c in await latest_checks(session=session) if c.source == "OFAC SDN"]
    session.expire_all()
    return await session.get_one(SanctionsListVersion, uuid.UUID(check.version_id))


async def test_a_file_is_kept_only_when_it_changed(
    rolled_back: AsyncSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = tmp_path / "sdn_advanced.xml"
    shutil.copyfile(TORNADO, published)
    refresher = ListRefresher([ListSource(str(published))])
    [source] = refresher.sources

    assert await refresher.refresh(rolled_back, source, T0) is True
    first = await _ofac(rolled_back)
    assert (first.file_name, first.checked_at, first.entry_count) == ("sdn_advanced.xml", T0, 1)
    first_id = first.id
    job = await job_for(rolled_back, first_id)
    assert job is not None
    assert job.status == "pending"  # the re-screen comes with the version

    # The same bytes an hour later: confirmed by their hash, not parsed, not stored again.
    def not_parsed(*_: object) -> None:
        raise AssertionError("an unchanged file was parsed again")

    monkeypatch.setattr(refresh, "load_list", not_parsed)
    assert await refresher.refresh(rolled_back, source, T0 + timedelta(hours=1)) is False
    again = await _ofac(rolled_back)
    assert (again.id, again.checked_at) == (first_id, T0 + timedelta(hours=1))
    monkeypatch.undo()

    shutil.copyfile(SUBSET, published)  # the publisher's next issue
    assert await refresher.refresh(rolled_back, source, T0 + timedelta(hours=2)) is True
    latest = await _ofac(rolled_back)
    assert latest.id != first_id
    assert latest.entry_count == 279


async def test_a_url_is_fetched_and_loaded(rolled_back: AsyncSession, publisher: str) -> None:
    source = ListSource(f"{publisher}/{TORNADO.name}", "ofac-advanced-xml")
    refresher = ListRefresher([source])
    assert await refresher.refresh(rolled_back, source, T0) is True
    assert (await _ofac(rolled_back)).file_name == TORNADO.name
    assert await refresher.refresh(rolled_back, source, T0 + timedelta(hours=1)) is False


async def test_an_unreachable_source_is_logged_and_skipped(
    sessions: async_sessionmaker[AsyncSession], publisher: str
) -> None:
    missing = ListSource(f"{publisher}/no_such_list.xml")
    refresher = ListRefresher([missing])
    async with sessions() as session:
        with pytest.raises(SanctionsListUnavailable):
            await refresher.refresh(session, missing, T0)
        await session.rollback()
    # A round logs the failure and goes on: nothing stored, nothing raised.
    assert await refresher.refresh_all(sessions, T0) == 0
