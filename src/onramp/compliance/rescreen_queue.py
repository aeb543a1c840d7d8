"""The re-screen queue: one job per loaded list version (``compliance/rescreen.py`` works it)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance.models import RescreenJob
from onramp.core.ids import uuid7


async def enqueue(session: AsyncSession, *, version_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        insert(RescreenJob)
        .values(
            id=uuid7(),
            version_id=version_id,
            status="pending",
            screened=0,
            hits=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["version_id"])
    )


async def job_for(session: AsyncSession, version_id: uuid.UUID) -> RescreenJob | None:
    return await session.scalar(select(RescreenJob).where(RescreenJob.version_id == version_id))
