"""Reports as documents: the rows of a report rendered through its template, each generation
recorded in the audit log (who asked for what, over which period)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import fx
from onramp.core.audit import record
from onramp.reports import (
    ctr,
    exports,
    funnel,
    fx_position,
    operations,
    pricing,
    recon_summary,
    stats,
    treasury_positions,
)
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


async def _period_document(
    session: AsyncSession, report: str, fields: Sequence[str], rows: list[dict[str, Any]], *,
    templates: Path, period: Period, fmt: ReportFormat, actor: str,
) -> Document:  # fmt: skip
    """A report whose rows are plain dicts of one period, rendered through its template."""
    template = load_template(templates, report, fields)
    await _audited(session, actor=actor, report=report, period=period, fmt=fmt, rows=len(rows))
    return Document(render(template, rows, fmt), MEDIA_TYPES[fmt], len(rows))


async def pricing_document(
    session: AsyncSession, *, templates: Path, period: Period, fmt: ReportFormat, actor: str
) -> Document:
    rows = await pricing.pricing_rows(session, period=period)
    return await _period_document(
        session, "pricing", pricing.FIELDS, rows, templates=templates, period=period, fmt=fmt,
        actor=actor,
    )  # fmt: skip


async def operations_document(
    session: AsyncSession, *, templates: Path, period: Period, fmt: ReportFormat, actor: str,
    grain: operations.Grain = operations.Grain.DAY,
) -> Document:  # fmt: skip
    rows = await operations.operations_rows(session, period=period, grain=grain)
    return await _period_document(
        session, "operations", operations.FIELDS, rows, templates=templates, period=period,
        fmt=fmt, actor=actor,
    )  # fmt: skip


async def funnel_document(
    session: AsyncSession, *, templates: Path, period: Period, fmt: ReportFormat, actor: str
) -> Document:
    rows = await funnel.funnel_rows(session, period=period)
    return await _period_document(
        session, "funnel", funnel.FIELDS, rows, templates=templates, period=period, fmt=fmt,
        actor=actor,
    )  # fmt: skip


async def treasury_positions_document(
    session: AsyncSession, *, templates: Path, period: Period, fmt: ReportFormat, actor: str
) -> Document:
    rows = await treasury_positions.treasury_position_rows(session, period=period)
    return await _period_document(
        session, "treasury-positions", treasury_positions.FIELDS, rows, templates=templates,
        period=period, fmt=fmt, actor=actor,
    )  # fmt: skip


async def recon_summary_document(
    session: AsyncSession, *, templates: Path, period: Period, fmt: ReportFormat, actor: str
) -> Document:
    rows = await recon_summary.recon_summary_rows(session, period=period)
    return await _period_document(
        session, "recon-summary", recon_summary.FIELDS, rows, templates=templates, period=period,
        fmt=fmt, actor=actor,
    )  # fmt: skip
