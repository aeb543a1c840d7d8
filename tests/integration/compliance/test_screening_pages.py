"""``GET /v1/compliance/screenings`` and ``/rescreens`` page by page: ``limit`` rows, newest
first, and ``next_before`` leading to the older ones until there are none."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.models import RescreenJob, SanctionsListVersion, ScreeningRecord
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from tests.compliance.conftest import StaffFactory, default_desk

__all__ = ["default_desk"]


async def _screens(sessions: async_sessionmaker[AsyncSession], subject_type: str) -> list[str]:
    ids = [uuid7() for _ in range(3)]
    async with unit_of_work(sessions) as session:
        for n, id_ in enumerate(ids):
            session.add(
                ScreeningRecord(
                    id=id_,
                    point="registration",
                    kind="sanctions_name",
                    subject_type=subject_type,
                    subject_id=f"s{n}",
                    customer_id=None,
                    decision="clear",
                    score=0.0,
                    entry_uid=None,
                    reason="paging test",
                    list_versions=[],
                    created_at=datetime.now(UTC),
                )
            )
    return [str(i) for i in reversed(ids)]


@pytest.fixture
async def two_rescreens(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[list[str]]:
    """Two finished re-screens of list versions of a source of their own (removed after)."""
    source, jobs = f"paging-{uuid.uuid4().hex[:8]}", [uuid7(), uuid7()]
    async with unit_of_work(sessions) as session:
        for job in jobs:
            version = uuid7()
            session.add(
                SanctionsListVersion(
                    id=version,
                    source=source,
                    format="test",
                    sha256="0" * 64,
                    file_name="none",
                    entry_count=0,
                    address_count=0,
                )  # fmt: skip
            )
            await session.flush()
            session.add(
                RescreenJob(
                    id=job,
                    version_id=version,
                    status="done",
                    screened=0,
                    hits=0,
                    created_at=datetime.now(UTC),
                    finished_at=datetime.now(UTC),
                )  # fmt: skip
            )
    yield [str(j) for j in reversed(jobs)]
    async with unit_of_work(sessions) as session:
        await session.execute(
            delete(SanctionsListVersion).where(SanctionsListVersion.source == source)
        )


async def test_screenings_page_by_page(
    default_desk: StaffFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    officer = await default_desk("compliance_officer")
    subject_type = f"t{uuid.uuid4().hex[:12]}"
    newest_first = await _screens(sessions, subject_type)
    url, query = "/v1/compliance/screenings", {"subject_type": subject_type, "limit": 2}
    first = await officer.get(url, params=query)
    assert first.status_code == 200, first.text
    assert [r["id"] for r in first.json()["data"]] == newest_first[:2]
    assert first.json()["next_before"] == newest_first[1]
    rest = await officer.get(url, params={**query, "before": first.json()["next_before"]})
    assert [r["id"] for r in rest.json()["data"]] == newest_first[2:]
    assert rest.json()["next_before"] is None


async def test_rescreens_page_by_page(default_desk: StaffFactory, two_rescreens: list[str]) -> None:
    officer = await default_desk("compliance_officer")
    first = await officer.get("/v1/compliance/rescreens", params={"limit": 1})
    assert first.status_code == 200, first.text
    assert [j["id"] for j in first.json()["data"]] == two_rescreens[:1]
    older = await officer.get(
        "/v1/compliance/rescreens", params={"limit": 1, "before": first.json()["next_before"]}
    )
    assert [j["id"] for j in older.json()["data"]] == two_rescreens[1:]
