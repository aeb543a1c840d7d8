"""The officers' queue: cases filtered and ordered (newest first, or most severe first), one
page at a time with an opaque cursor that stays right while new cases arrive."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Select, case, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance.cases.alerts import SEVERITY_RANK
from onramp.compliance.cases.errors import CaseCursorInvalid
from onramp.compliance.cases.models import ComplianceCase

CaseOrder = Literal["newest", "severity"]

_RANK = case(SEVERITY_RANK, value=ComplianceCase.severity, else_=-1)


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None
    severity: str | None = None
    assignee_id: uuid.UUID | None = None
    unassigned: bool = False
    customer_id: uuid.UUID | None = None


def encode_cursor(rank: int, case_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{rank}:{case_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        rank, case_id = base64.urlsafe_b64decode(padded.encode()).decode().split(":", 1)
        return int(rank), uuid.UUID(case_id)
    except (ValueError, UnicodeDecodeError):
        raise CaseCursorInvalid() from None


def _filtered(query: Select[ComplianceCase], f: CaseFilter) -> Select[ComplianceCase]:
    if f.status is not None:
        query = query.where(ComplianceCase.status == f.status)
    if f.severity is not None:
        query = query.where(ComplianceCase.severity == f.severity)
    if f.assignee_id is not None:
        query = query.where(ComplianceCase.assignee_id == f.assignee_id)
    if f.customer_id is not None:
        query = query.where(ComplianceCase.customer_id == f.customer_id)
    if f.unassigned:
        query = query.where(ComplianceCase.assignee_id.is_(None))
    return query


async def list_cases(
    session: AsyncSession,
    *,
    where: CaseFilter,
    order: CaseOrder,
    limit: int,
    cursor: str | None,
) -> tuple[list[ComplianceCase], str | None]:
    """A page of cases and the cursor of the next page (None on the last)."""
    query = _filtered(select(ComplianceCase), where)
    if order == "severity":
        if cursor is not None:
            rank, after = decode_cursor(cursor)
            query = query.where(tuple_(_RANK, ComplianceCase.id) < tuple_(rank, after))
        query = query.order_by(_RANK.desc(), ComplianceCase.id.desc())
    else:
        if cursor is not None:
            query = query.where(ComplianceCase.id < decode_cursor(cursor)[1])
        query = query.order_by(ComplianceCase.id.desc())
    rows = list((await session.scalars(query.limit(limit + 1))).all())
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_cursor(SEVERITY_RANK.get(last.severity, -1), last.id)
