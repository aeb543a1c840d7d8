"""Shared steps of the compliance scenarios: the lists of tests/data/ofac, alerts and records."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import compliance
from onramp.chain import checksum as to_checksum_address
from onramp.compliance.cases import ComplianceAlert
from onramp.compliance.models import RescreenJob, ScreeningRecord
from onramp.core.db import unit_of_work

OFAC = Path(__file__).resolve().parents[1] / "data" / "ofac"
CURRENT = OFAC / "sdn_advanced_subset.xml"  # issue of 2025-11-19
TORNADO_2025_03_04 = OFAC / "sdn_advanced_tornado_cash_2025-03-04.xml"
SEMENOV_ETH = to_checksum_address("0xdcbeffbecce100cce9e4b153c4e15cb885643193")
# One of Tornado Cash's 90 ETH addresses, listed on 2025-03-04 and delisted since.
TORNADO_ETH = to_checksum_address("0x8589427373d6d84e98730d7795d8f6f8731fda16")


async def load(sessions: async_sessionmaker[AsyncSession], path: Path) -> str:
    """Load a list file; returns the latest version id of its source afterwards."""
    async with unit_of_work(sessions) as session:
        loaded = await compliance.load_version(session=session, path=path, actor="test:lists")
    return loaded.version_id


async def wait_rescreened(
    sessions: async_sessionmaker[AsyncSession], version_id: str, *, timeout: float = 60
) -> RescreenJob:
    """Until the re-screen of this version is done (the stack's rescreen worker does it)."""
    deadline = time.monotonic() + timeout
    while True:
        async with sessions() as session:
            job = await session.scalar(
                select(RescreenJob).where(RescreenJob.version_id == uuid.UUID(version_id))
            )
        if job is not None and job.status == "done":
            return job
        assert time.monotonic() < deadline, (
            f"re-screen of {version_id} not done: "
            f"{None if job is None else (job.status, job.phase, job.cursor, job.screened)}"
        )
        await asyncio.sleep(0.1)


async def alerts_about(
    sessions: async_sessionmaker[AsyncSession], subject_type: str, subject_id: str
) -> list[ComplianceAlert]:
    async with sessions() as session:
        rows = await session.scalars(
            select(ComplianceAlert)
            .where(
                ComplianceAlert.subject_type == subject_type,
                ComplianceAlert.subject_id == subject_id,
            )
            .order_by(ComplianceAlert.id)
        )
        return list(rows.all())


async def records_about(
    sessions: async_sessionmaker[AsyncSession], subject_type: str, subject_id: str
) -> list[ScreeningRecord]:
    async with sessions() as session:
        rows = await session.scalars(
            select(ScreeningRecord)
            .where(
                ScreeningRecord.subject_type == subject_type,
                ScreeningRecord.subject_id == subject_id,
            )
            .order_by(ScreeningRecord.id)
        )
        return list(rows.all())
