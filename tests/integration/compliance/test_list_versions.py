"""Loading list issues into PostgreSQL: versioned, diffed, audited; delisting shows."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.checkpoints import ListMatchers
from onramp.compliance.lists import load_list
from onramp.compliance.models import SanctionsListVersion
from onramp.compliance.service import latest_lists, load_version
from onramp.core.audit import AuditRecord

DATA = Path(__file__).resolve().parents[2] / "data" / "ofac"


@pytest.fixture
async def rolled_back(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    # Rolled back: the versions stay out of the shared database (the latest version is global).
    async with sessions() as session:
        yield session
        await session.rollback()


async def test_versions_diff_and_audit(rolled_back: AsyncSession) -> None:
    march = await load_version(
        session=rolled_back,
        path=DATA / "sdn_advanced_tornado_cash_2025-03-04.xml",
        actor="test:sanctions",
    )
    assert march.is_new
    assert march.issued == "2025-03-04"
    november = await load_version(
        session=rolled_back, path=DATA / "sdn_advanced_subset.xml", actor="test:sanctions"
    )
    assert november.is_new
    assert november.diff.removed == ("39796",)
    assert len([a for c, a in november.diff.addresses_removed if c == "ETH"]) == 90
    assert len(november.diff.added) == 279

    again = await load_version(
        session=rolled_back, path=DATA / "sdn_advanced_subset.xml", actor="test:sanctions"
    )
    assert not again.is_new
    assert again.version_id == november.version_id
    assert again.diff.summary()["added"] == 0

    [latest] = await latest_lists(session=rolled_back)
    assert latest.issued == "2025-11-19"
    assert set(latest.entries) == set(load_list(DATA / "sdn_advanced_subset.xml").entries)

    audits = (
        (
            await rolled_back.execute(
                select(AuditRecord).where(AuditRecord.action == "sanctions.list_loaded")
            )
        )
        .scalars()
        .all()
    )
    mine = [a for a in audits if a.entity_id in {march.version_id, november.version_id}]
    assert len(mine) == 2
    record = next(a for a in mine if a.entity_id == november.version_id)
    assert record.data["diff"]["removed"] == 1
    assert record.data["removed"] == ["39796"]
    assert record.data["sha256"] == november.sha256


async def test_an_unchanged_issue_marks_the_latest_version_checked(
    rolled_back: AsyncSession,
) -> None:
    """A list's age is the time since it was last found current, not since its first load."""
    loaded_at = datetime(2031, 1, 5, 8, 0, tzinfo=UTC)
    # The subset first, so the Tornado Cash issue is new whatever the shared database holds.
    await load_version(
        session=rolled_back, path=DATA / "sdn_advanced_subset.xml", actor="test:sanctions"
    )
    first = await load_version(
        session=rolled_back,
        path=DATA / "sdn_advanced_tornado_cash_2025-03-04.xml",
        actor="test:sanctions",
        now=loaded_at,
    )
    assert first.is_new
    matchers = ListMatchers()
    before = await matchers.current(rolled_back)
    assert before is not None
    [check] = [c for c in before.checks if c.source == "OFAC SDN"]
    assert (check.version_id, check.checked_at) == (first.version_id, loaded_at)

    three_days_later = loaded_at + timedelta(days=3)
    again = await load_version(
        session=rolled_back,
        path=DATA / "sdn_advanced_tornado_cash_2025-03-04.xml",
        actor="test:sanctions",
        now=three_days_later,
    )
    assert not again.is_new
    rolled_back.expire_all()
    after = await matchers.current(rolled_back)
    assert after is not None
    [check] = [c for c in after.checks if c.source == "OFAC SDN"]
    assert (check.version_id, check.checked_at) == (first.version_id, three_days_later)
    assert after.names is before.names  # the same lists: the matchers are not rebuilt
    version = await rolled_back.get_one(SanctionsListVersion, uuid.UUID(first.version_id))
    assert version.loaded_at == loaded_at
