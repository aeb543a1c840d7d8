"""Queries on stored sanctions lists; no business rules."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance.lists.model import (
    SanctionsList,
    entry_from_json,
    entry_to_json,
)
from onramp.compliance.models import (
    RescreenJob,
    SanctionsAddressRow,
    SanctionsEntryRow,
    SanctionsListVersion,
    ScreeningRecord,
)

_BATCH = 2000


async def latest_version(session: AsyncSession, source: str) -> SanctionsListVersion | None:
    query = (
        select(SanctionsListVersion)
        .where(SanctionsListVersion.source == source)
        .order_by(SanctionsListVersion.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def latest_versions(session: AsyncSession) -> Sequence[SanctionsListVersion]:
    """The latest version of every source."""
    query = select(SanctionsListVersion).order_by(
        SanctionsListVersion.source, SanctionsListVersion.id.desc()
    )
    rows = (await session.execute(query)).scalars().all()
    latest: dict[str, SanctionsListVersion] = {}
    for row in rows:
        latest.setdefault(row.source, row)
    return list(latest.values())


async def read_list(session: AsyncSession, version: SanctionsListVersion) -> SanctionsList:
    query = (
        select(SanctionsEntryRow)
        .where(SanctionsEntryRow.version_id == version.id)
        .order_by(SanctionsEntryRow.uid)
    )
    rows = (await session.execute(query)).scalars().all()
    entries = tuple(
        entry_from_json(r.uid, r.list_name, r.entry_type, r.primary_name, r.data) for r in rows
    )
    return SanctionsList(
        source=version.source, format=version.format, issued=version.issued, entries=entries
    )


async def insert_version(
    session: AsyncSession,
    *,
    version_id: uuid.UUID,
    sanctions: SanctionsList,
    sha256: str,
    file_name: str,
    now: datetime,
) -> None:
    addresses = sorted(
        {
            (a.currency, a.address.strip().lower(), e.uid)
            for e in sanctions.entries
            for a in e.addresses
        }
    )
    session.add(
        SanctionsListVersion(
            id=version_id,
            source=sanctions.source,
            format=sanctions.format,
            sha256=sha256,
            file_name=file_name[:255],
            issued=sanctions.issued,
            entry_count=len(sanctions.entries),
            address_count=len(addresses),
            loaded_at=now,
            checked_at=now,
        )
    )
    await session.flush()
    entry_rows: list[dict[str, Any]] = [
        {
            "version_id": version_id,
            "uid": e.uid,
            "list_name": e.list_name,
            "entry_type": e.entry_type.value,
            "primary_name": e.primary_name[:500],
            "data": entry_to_json(e),
        }
        for e in sanctions.entries
    ]
    address_rows = [
        {"version_id": version_id, "currency": c, "address": a, "uid": u} for c, a, u in addresses
    ]
    for table, rows in ((SanctionsEntryRow, entry_rows), (SanctionsAddressRow, address_rows)):
        for start in range(0, len(rows), _BATCH):
            await session.execute(insert(table), rows[start : start + _BATCH])


async def mark_checked(session: AsyncSession, version_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(SanctionsListVersion)
        .where(SanctionsListVersion.id == version_id)
        .values(checked_at=now)
    )


async def latest_version_ids(session: AsyncSession) -> tuple[uuid.UUID, ...]:
    """The latest version id of every source: a cheap check whether anything was loaded since."""
    return tuple(v.id for v in await latest_versions(session))


async def screening_records(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    decision: str | None = None,
    limit: int = 100,
    before: uuid.UUID | None = None,
) -> Sequence[ScreeningRecord]:
    """The screens, newest first (``before``: the page after that id)."""
    query = select(ScreeningRecord)
    if before is not None:
        query = query.where(ScreeningRecord.id < before)
    if customer_id is not None:
        query = query.where(ScreeningRecord.customer_id == customer_id)
    if subject_type is not None:
        query = query.where(ScreeningRecord.subject_type == subject_type)
    if subject_id is not None:
        query = query.where(ScreeningRecord.subject_id == subject_id)
    if decision is not None:
        query = query.where(ScreeningRecord.decision == decision)
    rows = await session.scalars(query.order_by(ScreeningRecord.id.desc()).limit(limit))
    return rows.all()


async def rescreen_jobs(
    session: AsyncSession, *, limit: int, before: uuid.UUID | None = None
) -> Sequence[RescreenJob]:
    """The re-screens, newest first (``before``: the page after that id)."""
    query = select(RescreenJob)
    if before is not None:
        query = query.where(RescreenJob.id < before)
    rows = await session.scalars(query.order_by(RescreenJob.id.desc()).limit(limit))
    return rows.all()
