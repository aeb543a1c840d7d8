"""Reports emailed to staff once a day: each report named in
``ONRAMP_COMPLIANCE__REPORT_EMAIL_REPORTS`` for the day before, as CSV in the body, to every
address in ``ONRAMP_COMPLIANCE__REPORT_EMAIL_TO``, through the notifications outbox (the mailer
sends it, with its retries). A report's day is claimed in ``report_mailings`` in the same
transaction that queues its emails: a second worker, or the same one a round later, sends
nothing again; a rolled-back round leaves the day unclaimed for the next."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.logging import get_logger
from onramp.notifications import enqueue_email
from onramp.reports import service
from onramp.reports.models import ReportMailing
from onramp.reports.period import Period
from onramp.reports.service import Document
from onramp.reports.templates import ReportFormat

log = get_logger(__name__)
MAIL_ACTOR = "worker:report_mail"
Maker = Callable[..., Awaitable[Document]]
MAKERS: dict[str, Maker] = {
    "operations": service.operations_document,
    "funnel": service.funnel_document,
    "pricing": service.pricing_document,
    "screening-stats": service.stats_document,
    "recon-summary": service.recon_summary_document,
}


async def _claim(
    session: AsyncSession, report: str, day: date, recipients: int, now: datetime
) -> bool:
    claimed = await session.scalar(
        insert(ReportMailing)
        .values(report=report, day=day, recipients=recipients, rows=0, queued_at=now)
        .on_conflict_do_nothing()
        .returning(ReportMailing.report)
    )
    return claimed is not None


async def email_reports_once(
    session: AsyncSession, *, now: datetime, recipients: Sequence[str], reports: Sequence[str],
    templates: Path,
) -> int:  # fmt: skip
    """Queue yesterday's reports (UTC) to ``recipients`` unless already queued; how many
    reports were queued now."""
    if not recipients:
        return 0
    day = (now - timedelta(days=1)).date()
    queued = 0
    for report in reports:
        if not await _claim(session, report, day, len(recipients), now):
            continue
        document = await MAKERS[report](
            session, templates=templates, period=Period(day, day), fmt=ReportFormat.CSV,
            actor=MAIL_ACTOR,
        )  # fmt: skip
        params = {"name": "team", "report": report, "day": day.isoformat(),
                  "rows": str(document.rows), "table": document.content.rstrip()}  # fmt: skip
        for to in recipients:
            await enqueue_email(session, to=to, template="staff_report", params=params, now=now)
        await session.execute(
            update(ReportMailing)
            .where(ReportMailing.report == report, ReportMailing.day == day)
            .values(rows=document.rows)
        )
        log.info("report.emailed", report=report, day=day.isoformat(), to=len(recipients))
        queued += 1
    return queued
