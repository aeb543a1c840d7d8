"""The audit log (``/admin/audit``): its records filtered by actor, action, object and days
(UTC), newest first a page at a time, as CSV too, and the hash chain's verification. The same
services as ``GET /v1/admin/audit`` and ``/v1/admin/audit/verification`` (``audit:read``)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from onramp.auth import Permission, Principal, require
from onramp.core.audit import AuditRecord
from onramp.core.audit_search import (
    MAX_PAGE,
    AuditFilter,
    AuditFilterInvalid,
    chain_status,
    search_records,
)
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep
from onramp.web.csv_export import csv_download
from onramp.web.rendering import render

router = APIRouter(prefix="/admin/audit", include_in_schema=False)
Reader = Annotated[Principal, require(Permission.AUDIT_READ)]
PAGE_SIZE = 50
CSV_PAGES = 20  # a download holds at most 10 000 records: narrow the filter for more
_Field = Annotated[Text, Query(max_length=200)]


@dataclass(frozen=True)
class AuditForm:
    """The filter form as typed; the days are UTC, both included."""

    actor: str
    action: str
    entity_type: str
    entity_id: str
    from_day: str  # YYYY-MM-DD, or empty
    to_day: str

    def params(self) -> dict[str, str]:
        """The filter as query fields, the empty ones left out (for links and pages)."""
        fields = {
            "actor": self.actor,
            "action": self.action,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "from": self.from_day,
            "to": self.to_day,
        }
        return {k: v for k, v in fields.items() if v}

    def filters(self) -> AuditFilter:
        first, last = _day(self.from_day), _day(self.to_day)
        since = datetime.combine(first, time(), UTC) if first else None
        until = datetime.combine(last + timedelta(days=1), time(), UTC) if last else None
        return AuditFilter(
            self.actor.strip() or None,
            self.action.strip() or None,
            self.entity_type.strip() or None,
            self.entity_id.strip() or None,
            since,
            until,
        )


def _day(typed: str) -> date | None:
    try:
        return date.fromisoformat(typed.strip()) if typed.strip() else None
    except ValueError:
        raise AuditFilterInvalid(f"{typed!r} is not a day (YYYY-MM-DD)") from None


def audit_form(
    actor: _Field = "",
    action: _Field = "",
    entity_type: _Field = "",
    entity_id: _Field = "",
    from_day: Annotated[Text, Query(alias="from", max_length=20)] = "",
    to_day: Annotated[Text, Query(alias="to", max_length=20)] = "",
) -> AuditForm:
    return AuditForm(actor, action, entity_type, entity_id, from_day, to_day)


Form = Annotated[AuditForm, Depends(audit_form)]


@router.get("")
async def audit_log(
    request: Request,
    principal: Reader,
    session: SessionDep,
    form: Form,
    before: Annotated[uuid.UUID | None, Query()] = None,
) -> Response:
    records: list[AuditRecord] = []
    problem: dict[str, str] | None = None
    try:
        records = await search_records(session, form.filters(), limit=PAGE_SIZE, before=before)
    except AuditFilterInvalid as refused:  # the form again, with the reason
        problem = {"title": refused.title, "detail": str(refused)}
    return render(
        request,
        "admin/audit.html",
        status_code=422 if problem else 200,
        principal=principal,
        form=form,
        records=records,
        next_before=records[-1].id if len(records) == PAGE_SIZE else None,
        first_page=before is None,
        error=problem,
    )


@router.get(".csv")
async def audit_csv(principal: Reader, session: SessionDep, form: Form) -> Response:
    filters, before = form.filters(), None
    rows: list[AuditRecord] = []
    for _ in range(CSV_PAGES):
        page = await search_records(session, filters, limit=MAX_PAGE, before=before)
        rows.extend(page)
        if len(page) < MAX_PAGE:
            break
        before = page[-1].id
    return csv_download(
        "audit-log.csv",
        ("seq", "id", "at", "actor", "action", "entity_type", "entity_id", "data"),
        (
            (
                r.seq,
                r.id,
                r.at.isoformat(),
                r.actor,
                r.action,
                r.entity_type,
                r.entity_id,
                json.dumps(r.data, sort_keys=True, default=str),
            )
            for r in rows
        ),
    )


@router.get("/verification")
async def verification(
    request: Request, principal: Reader, session: SessionDep, clock: ClockDep
) -> Response:
    chain = await chain_status(session, now=clock.now())
    return render(request, "admin/audit_verification.html", principal=principal, chain=chain)
