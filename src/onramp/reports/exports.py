"""Exports for auditors: the alerts, the cases and their decisions, and the audit records of a
period, as rows for a template. Alerts and audit records hold codes, scores and row ids, never
personal data in clear (that is how they are written), so exports carry none either."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.compliance import ComplianceAlert, ComplianceCase
from onramp.core.audit import AuditRecord
from onramp.reports.period import Period

# Bounded: an export is a file an auditor opens, not a database dump.
MAX_ROWS = 100_000


class Dataset(StrEnum):
    ALERTS = "alerts"
    CASES = "cases"
    AUDIT = "audit"


FIELDS: dict[Dataset, tuple[str, ...]] = {
    Dataset.ALERTS: (
        "id",
        "created_at",
        "case_id",
        "customer_id",
        "source",
        "kind",
        "severity",
        "action",
        "reason",
        "subject_type",
        "subject_id",
        "order_id",
        "evidence",
    ),
    Dataset.CASES: (
        "id",
        "customer_id",
        "status",
        "severity",
        "assignee_id",
        "opened_at",
        "closed_at",
        "decision",
        "decision_reason",
        "decided_by",
    ),
    Dataset.AUDIT: ("seq", "id", "at", "actor", "action", "entity_type", "entity_id", "data"),
}


def _row(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


async def _alerts(session: AsyncSession, period: Period) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(ComplianceAlert)
        .where(ComplianceAlert.created_at >= period.start, ComplianceAlert.created_at < period.end)
        .order_by(ComplianceAlert.created_at, ComplianceAlert.id)
        .limit(MAX_ROWS)
    )
    return [_row(a, FIELDS[Dataset.ALERTS]) for a in rows]


async def _cases(session: AsyncSession, period: Period) -> list[dict[str, Any]]:
    """Cases opened or closed in the period, with their decisions."""
    c = ComplianceCase
    rows = await session.scalars(
        select(c)
        .where(
            or_(
                (c.opened_at >= period.start) & (c.opened_at < period.end),
                (c.closed_at >= period.start) & (c.closed_at < period.end),
            )
        )
        .order_by(c.opened_at, c.id)
        .limit(MAX_ROWS)
    )
    return [_row(case, FIELDS[Dataset.CASES]) for case in rows]


async def _audit(session: AsyncSession, period: Period) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(AuditRecord)
        .where(AuditRecord.at >= period.start, AuditRecord.at < period.end)
        .order_by(AuditRecord.at, AuditRecord.id)
        .limit(MAX_ROWS)
    )
    return [_row(r, FIELDS[Dataset.AUDIT]) for r in rows]


READERS: dict[Dataset, Callable[[AsyncSession, Period], Awaitable[list[dict[str, Any]]]]] = {
    Dataset.ALERTS: _alerts,
    Dataset.CASES: _cases,
    Dataset.AUDIT: _audit,
}


async def export_rows(
    session: AsyncSession, *, dataset: Dataset, period: Period
) -> list[dict[str, Any]]:
    return await READERS[dataset](session, period)
