"""The breaks queue: runs and breaks listed a page at a time, a break assigned to someone who
may resolve it, commented on, and resolved with a reason (audited). A resolution that posts an
adjusting entry needs a second person: ``recon/adjustments.py``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal, allowed
from onramp.core.audit import record
from onramp.core.ids import uuid7
from onramp.identity import role_of
from onramp.recon.errors import AssigneeNotAllowed, BreakNotFound, BreakNotOpen
from onramp.recon.models import BreakState, ReconBreak, ReconBreakComment, ReconRun


@dataclass(frozen=True)
class BreakFilter:
    state: str | None = None
    type: str | None = None
    day: date | None = None


async def list_runs(
    session: AsyncSession, *, day: date | None, limit: int, before: uuid.UUID | None
) -> list[ReconRun]:
    """Runs, newest first."""
    query = select(ReconRun)
    if day is not None:
        query = query.where(ReconRun.run_date == day)
    if before is not None:
        query = query.where(ReconRun.id < before)
    return list((await session.scalars(query.order_by(ReconRun.id.desc()).limit(limit))).all())


async def list_breaks(
    session: AsyncSession, *, where: BreakFilter, limit: int, before: uuid.UUID | None
) -> list[ReconBreak]:
    """Breaks, newest first, filtered by state, type and day (each optional)."""
    query = select(ReconBreak)
    if where.state is not None:
        query = query.where(ReconBreak.state == where.state)
    if where.type is not None:
        query = query.where(ReconBreak.type == where.type)
    if where.day is not None:
        query = query.where(ReconBreak.run_date == where.day)
    if before is not None:
        query = query.where(ReconBreak.id < before)
    return list((await session.scalars(query.order_by(ReconBreak.id.desc()).limit(limit))).all())


async def get_break(
    session: AsyncSession, break_id: uuid.UUID, *, lock: bool = False
) -> ReconBreak:
    found = await session.get(ReconBreak, break_id, with_for_update=lock)
    if found is None:
        raise BreakNotFound()
    return found


async def open_break(session: AsyncSession, break_id: uuid.UUID) -> ReconBreak:
    """The break, locked, if it is still open (``recon_break_not_open`` otherwise)."""
    found = await get_break(session, break_id, lock=True)
    if found.state != BreakState.OPEN.value:
        raise BreakNotOpen(f"the break is {found.state}")
    return found


async def comments_of(session: AsyncSession, break_id: uuid.UUID) -> list[ReconBreakComment]:
    rows = await session.scalars(
        select(ReconBreakComment)
        .where(ReconBreakComment.break_id == break_id)
        .order_by(ReconBreakComment.id)
    )
    return list(rows.all())


async def assign_break(
    session: AsyncSession,
    *,
    break_id: uuid.UUID,
    assignee_id: uuid.UUID | None,
    staff: Principal,
    now: datetime,
) -> ReconBreak:
    """Give the break to someone who may resolve it (None: to no one)."""
    if assignee_id is not None:
        role = await role_of(session, user_id=assignee_id)
        if role is None or not allowed(role, Permission.RECON_RESOLVE):
            raise AssigneeNotAllowed()
    found = await open_break(session, break_id)
    found.assignee_id, found.assigned_at = assignee_id, now if assignee_id else None
    await record(
        session,
        actor=f"user:{staff.user_id}",
        action="recon.break_assigned",
        entity_type="recon_break",
        entity_id=str(found.id),
        data={"assignee_id": str(assignee_id) if assignee_id else None},
    )
    await session.flush()
    return found


async def comment_on_break(
    session: AsyncSession, *, break_id: uuid.UUID, body: str, staff: Principal, now: datetime
) -> ReconBreakComment:
    await get_break(session, break_id)
    comment = ReconBreakComment(
        id=uuid7(), break_id=break_id, author_id=staff.user_id, body=body, created_at=now
    )
    session.add(comment)
    await session.flush()
    return comment


async def resolve_break(
    session: AsyncSession, *, break_id: uuid.UUID, reason: str, staff: Principal, now: datetime
) -> ReconBreak:
    """Resolved with a reason and nothing posted: one person's call, audited."""
    found = await open_break(session, break_id)
    await mark_resolved(session, found, reason=reason, by=f"user:{staff.user_id}", now=now)
    return found


async def mark_resolved(
    session: AsyncSession,
    found: ReconBreak,
    *,
    reason: str,
    by: str,
    now: datetime,
    approved_by: str | None = None,
    entry_id: uuid.UUID | None = None,
) -> None:
    found.state = BreakState.RESOLVED.value
    found.resolved_by, found.resolved_at, found.resolution = by, now, reason[:500]
    found.approved_by, found.adjusting_entry_id = approved_by, entry_id
    await record(
        session,
        actor=approved_by or by,
        action="recon.break_resolved",
        entity_type="recon_break",
        entity_id=str(found.id),
        data={
            "reason": reason[:500],
            "resolved_by": by,
            "approved_by": approved_by,
            "adjusting_entry_id": str(entry_id) if entry_id else None,
        },
    )
    await session.flush()
