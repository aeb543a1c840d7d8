"""Reports as documents: the rows of a report rendered through its template, each generation
recorded in the audit log (who asked for what, over which period)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import fx
from onramp.core.audit import record
from onramp.reports import ctr, exports, fx_position, operations, pricing, stats
from onramp.reports.period import Period
from onramp.reports.templates import MEDIA_TYPES, ReportFormat, load_template, render


@dataclass(frozen=True)
class Document:
    content: str
    media_type: str
    rows: int


async def _audited(
    session: AsyncSession, *, actor: str, report: str, period: Period, fmt: ReportFormat, rows: int
) -> None:
    await record(
        session,
        actor=actor,
        action="compliance.report_generated",
        entity_type="report",
        entity_id=report,
        data={**period.as_dict(), "format": fmt.value, "rows": rows},
    )


async def ctr_document(
    session: AsyncSession,
    *,
    desk: fx.FxDesk,
    templates: Path,
    period: Period,
    threshold_usd: Decimal,
    fmt: ReportFormat,
    actor: str,
) -> Document:
    template = load_template(templates, "ctr", ctr.FIELDS)
    rows = await ctr.ctr_report(session, desk=desk, period=period, threshold_usd=threshold_usd)
    await _audited(session, actor=actor, report="ctr", period=period, fmt=fmt, rows=len(rows))
    content = render(template, [r.as_dict() for r in rows], fmt)
    return Document(content, MEDIA_TYPES[fmt], len(rows))


async def stats_document(
    session: AsyncSession, *, templates: Path, period: Period, fmt: ReportFormat, actor: str
) -> Document:
    """JSON: one object (the figures, nested); CSV: its (metric, key, value) rows."""
    template = load_template(templates, "screening-stats", stats.FIELDS)
    figures = await stats.screening_stats(session, period=period)
    rows = stats.stats_rows(figures)
    await _audited(
        session, actor=actor, report="screening-stats", period=period, fmt=fmt, rows=len(rows)
    )
    if fmt is ReportFormat.JSON:
        return Document(json.dumps(figures, indent=2) + "\n", "application/json", len(rows))
    return Document(render(template, rows, fmt), MEDIA_TYPES[fmt], len(rows))


async def export_document(
    session: AsyncSession,
    *,
    templates: Path,
    dataset: exports.Dataset,
    period: Period,
    fmt: ReportFormat,
    actor: str,
) -> Document:
    template = load_template(templates, dataset.value, exports.FIELDS[dataset])
    rows = await exports.export_rows(session, dataset=dataset, period=period)
    await _audited(
        session, actor=actor, report=f"export:{dataset}", period=period, fmt=fmt, rows=len(rows)
    )
    return Document(render(template, rows, fmt), MEDIA_TYPES[fmt], len(rows))


async def fx_position_document(
    session: AsyncSession,
    *,
    desk: fx.FxDesk,
    templates: Path,
    period: Period,
    fmt: ReportFormat,
    actor: str,
) -> Document:
    template = load_template(templates, "fx-position", fx_position.FIELDS)
    rows = await fx_position.fx_position_report(session, desk=desk, period=period)
    await _audited(
        session, actor=actor, report="fx-position", period=period, fmt=fmt, rows=len(rows)
    )
    return Document(render(template, [r.as_dict() for r in rows], fmt), MEDIA_TYPES[fmt], len(rows))


async def pricing_document(
    session: AsyncSession, *, templates: Path, period: Period, fmt: ReportFormat, actor: str
) -> Document:
    template = load_template(templates, "pricing", pricing.FIELDS)
    rows = await pricing.pricing_rows(session, period=period)
    await _audited(session, actor=actor, report="pricing", period=period, fmt=fmt, rows=len(rows))
    return Document(render(template, rows, fmt), MEDIA_TYPES[fmt], len(rows))


async def operations_document(
    session: AsyncSession, *, templates: Path, period: Period, fmt: ReportFormat, actor: str
) -> Document:
    template = load_template(templates, "operations", operations.FIELDS)
    rows = await operations.operations_rows(session, period=period)
    await _audited(
        session, actor=actor, report="operations", period=period, fmt=fmt, rows=len(rows)
    )
    return Document(render(template, rows, fmt), MEDIA_TYPES[fmt], len(rows))
