"""Reading the audit log: records found by who did what to which object and when, newest first a
page at a time, and the chain's state as ``verify`` finds it now. ``GET /v1/admin/audit`` and
the back office's audit page both call these, so the filters mean the same in both."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.audit import AuditRecord, verify
from onramp.core.errors import InvalidInput

MAX_PAGE = 500  # an export is at most this many records a request: its pages are the rest


class AuditFilterInvalid(InvalidInput):
    code = "audit_filter_invalid"
    title = "The audit log's filter is not valid"


@dataclass(frozen=True)
class AuditFilter:
    """Every given field narrows the search; ``since`` is included, ``until`` is not."""

    actor: str | None = None  # exactly, e.g. ``user:<id>`` or ``system:approvals``
    action: str | None = None  # exactly, or a prefix ending in a dot (``approval.``)
    entity_type: str | None = None
    entity_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        for moment in (self.since, self.until):
            if moment is not None and moment.tzinfo is None:
                raise AuditFilterInvalid("a time needs its zone (e.g. 2026-01-31T00:00:00Z)")
        if self.since and self.until and self.until <= self.since:
            raise AuditFilterInvalid("the range ends before it starts")


async def search_records(
    session: AsyncSession, filters: AuditFilter, *, limit: int, before: uuid.UUID | None = None
) -> list[AuditRecord]:
    """Newest first (ids are time-ordered UUIDv7); ``before`` is the last id of the page seen."""
    if not 1 <= limit <= MAX_PAGE:
        raise AuditFilterInvalid(f"a page holds 1 to {MAX_PAGE} records")
    query = select(AuditRecord)
    if filters.actor:
        query = query.where(AuditRecord.actor == filters.actor)
    if filters.action and filters.action.endswith("."):
        query = query.where(AuditRecord.action.startswith(filters.action, autoescape=True))
    elif filters.action:
        query = query.where(AuditRecord.action == filters.action)
    if filters.entity_type:
        query = query.where(AuditRecord.entity_type == filters.entity_type)
    if filters.entity_id:
        query = query.where(AuditRecord.entity_id == filters.entity_id)
    if filters.since:
        query = query.where(AuditRecord.at >= filters.since)
    if filters.until:
        query = query.where(AuditRecord.at < filters.until)
    if before is not None:
        query = query.where(AuditRecord.id < before)
    rows = await session.scalars(query.order_by(AuditRecord.id.desc()).limit(limit))
    return list(rows.all())


@dataclass(frozen=True)
class ChainStatus:
    """What ``verify`` found: intact up to record ``last_seq`` (sealed at ``last_sealed_at``),
    or the breaks it names; ``unsealed`` records wait for the sealer."""

    intact: bool
    sealed: int
    unsealed: int
    last_seq: int | None
    last_at: datetime | None
    last_sealed_at: datetime | None
    checked_at: datetime
    problems: tuple[str, ...]


async def chain_status(session: AsyncSession, *, now: datetime) -> ChainStatus:
    """Recomputes the whole chain (as ``onramp audit verify`` does) and names its head."""
    found = await verify(session)
    head = await session.scalar(
        select(AuditRecord)
        .where(AuditRecord.seq.is_not(None))
        .order_by(AuditRecord.seq.desc())
        .limit(1)
    )
    return ChainStatus(
        intact=found.intact,
        sealed=found.sealed,
        unsealed=found.unsealed,
        last_seq=head.seq if head else None,
        last_at=head.at if head else None,
        last_sealed_at=head.sealed_at if head else None,
        checked_at=now,
        problems=tuple(found.problems),
    )
