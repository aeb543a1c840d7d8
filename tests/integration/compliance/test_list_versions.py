"""Loading list issues into PostgreSQL: versioned, diffed, audited; delisting shows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.lists import load_list
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
