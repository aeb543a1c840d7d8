"""EU list issues load as their own source: versioned and diffed apart from OFAC, audited, and
each new version enqueues the re-screen."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance import rescreen_queue
from onramp.compliance.service import latest_lists, load_version
from onramp.core.audit import AuditRecord

DATA = Path(__file__).resolve().parents[2] / "data"
EU_2018 = DATA / "eu" / "fsf_2018-12-21_excerpt.xml"
TORNADO = DATA / "ofac" / "sdn_advanced_tornado_cash_2025-03-04.xml"


@pytest.fixture
async def rolled_back(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    # Rolled back: the versions stay out of the shared database (the latest version is global).
    async with sessions() as session:
        yield session
        await session.rollback()


def _without_mugabe(tmp_path: Path) -> Path:
    """The same issue with its first record (logicalId 1) left out, as a later issue would."""
    text = EU_2018.read_text(encoding="utf-8")
    start = text.index("    <sanctionEntity")
    end = text.index("    <sanctionEntity", start + 1)
    path = tmp_path / "fsf_later.xml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    return path


async def test_eu_versions_are_their_own_source(rolled_back: AsyncSession, tmp_path: Path) -> None:
    ofac = await load_version(session=rolled_back, path=TORNADO, actor="test:sanctions")
    first = await load_version(session=rolled_back, path=EU_2018, actor="test:sanctions")
    assert first.is_new
    assert (first.source, first.format, first.issued) == ("EU FSF", "eu-fsf-xml", "2018-12-21")
    assert first.version_id != ofac.version_id
    # The first EU issue is diffed against no EU issue, not against OFAC's list.
    assert first.diff.added == ("EU-1", "EU-207")
    assert first.diff.removed == ()

    later = await load_version(
        session=rolled_back, path=_without_mugabe(tmp_path), actor="test:sanctions"
    )
    assert later.is_new
    assert later.diff.removed == ("EU-1",)
    assert later.diff.added == ()

    again = await load_version(
        session=rolled_back, path=_without_mugabe(tmp_path), actor="test:sanctions"
    )
    assert not again.is_new
    assert again.version_id == later.version_id

    # Screens read the latest version of every source: OFAC's is untouched by the EU load.
    latest = {lst.source: lst for lst in await latest_lists(session=rolled_back)}
    assert [e.uid for e in latest["EU FSF"].entries] == ["EU-207"]
    assert [e.uid for e in latest["OFAC SDN"].entries] == ["39796"]

    for loaded in (first, later):
        job = await rescreen_queue.job_for(rolled_back, uuid.UUID(loaded.version_id))
        assert job is not None
        assert job.status == "pending"

    record = await rolled_back.scalar(
        select(AuditRecord).where(
            AuditRecord.action == "sanctions.list_loaded",
            AuditRecord.entity_id == later.version_id,
        )
    )
    assert record is not None
    assert record.data["source"] == "EU FSF"
    assert record.data["previous_version"] == first.version_id
    assert record.data["removed"] == ["EU-1"]
