"""``/v1/admin/audit``: the audit log for auditors and compliance officers (``audit:read``):
its records found by actor, action, object and time, a page at a time, and the hash chain as
``onramp audit verify`` finds it now. Read-only: nothing here writes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from onramp.auth import Permission, Principal, require
from onramp.core.audit import AuditRecord
from onramp.core.audit_search import MAX_PAGE, AuditFilter, chain_status, search_records
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep

router = APIRouter(prefix="/v1/admin/audit", tags=["audit"])

Reader = Annotated[Principal, require(Permission.AUDIT_READ)]


class AuditRecordOut(BaseModel):
    id: uuid.UUID
    seq: int | None = Field(description="Its place in the chain; null until the sealer chains it")
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    data: dict[str, Any]
    sealed_at: datetime | None


class AuditPage(BaseModel):
    data: list[AuditRecordOut]
    next_before: uuid.UUID | None = Field(description="Pass as `before` for the next page")


class ChainStatusOut(BaseModel):
    intact: bool
    sealed: int = Field(description="Records checked, from the first")
    unsealed: int = Field(description="Committed records the sealer has not chained yet")
    last_seq: int | None
    last_at: datetime | None
    last_sealed_at: datetime | None
    checked_at: datetime
    problems: list[str] = Field(description="Each changed record and each gap, by sequence")


def record_out(row: AuditRecord) -> AuditRecordOut:
    return AuditRecordOut.model_validate(row, from_attributes=True)


@router.get(
    "",
    summary="Audit records, newest first, filtered by actor, action, object and time",
    description="`action` ending in a dot is a prefix (`approval.`); `since` is included, "
    "`until` is not (times with their zone). Pages: pass `next_before` as `before`.",
    responses={422: {"description": "audit_filter_invalid"}},
)
async def list_audit(
    principal: Reader,
    session: SessionDep,
    actor: Annotated[Text | None, Query(max_length=200)] = None,
    action: Annotated[Text | None, Query(max_length=100)] = None,
    entity_type: Annotated[Text | None, Query(max_length=50)] = None,
    entity_id: Annotated[Text | None, Query(max_length=100)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> AuditPage:
    filters = AuditFilter(actor, action, entity_type, entity_id, since, until)
    rows = await search_records(session, filters, limit=limit, before=before)
    return AuditPage(
        data=[record_out(r) for r in rows],
        next_before=rows[-1].id if len(rows) == limit else None,
    )


@router.get(
    "/verification",
    summary="Recompute the hash chain now: intact up to record N, or where it breaks",
)
async def verification(principal: Reader, session: SessionDep, clock: ClockDep) -> ChainStatusOut:
    status = await chain_status(session, now=clock.now())
    return ChainStatusOut(**{**status.__dict__, "problems": list(status.problems)})
