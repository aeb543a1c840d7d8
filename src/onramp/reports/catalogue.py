"""The table of reports: each one's name, what it takes beside a period and a format, how its
document is made, and whether the API serves it. ``onramp reports <name>`` and the routes under
``/v1/compliance/reports`` are generated from this table, one command and one route shape."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import fx
from onramp.core.settings import Settings
from onramp.reports import service
from onramp.reports.exports import Dataset
from onramp.reports.operations import Grain
from onramp.reports.period import Period
from onramp.reports.service import Document
from onramp.reports.tables import Printed, table_pdf, tabulate
from onramp.reports.templates import ReportFormat


class Extra(StrEnum):
    """What a report takes beside its period and format."""

    DATASET = "dataset"  # which records an export holds (alerts, cases, audit); comes first
    THRESHOLD = "threshold"  # the CTR's USD-equivalent threshold (compliance.ctr_threshold_usd)
    GRAIN = "grain"  # one row per day or per month (the operations report)


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    fmt: ReportFormat
    actor: str
    templates: Path
    desk: Callable[[], fx.FxDesk]  # built only for the reports that price in EUR or USD
    threshold_usd: Decimal
    dataset: Dataset = Dataset.ALERTS
    grain: Grain = Grain.DAY

    @classmethod
    def of(
        cls,
        settings: Settings,
        *,
        period: Period,
        fmt: ReportFormat,
        actor: str,
        desk: Callable[[], fx.FxDesk],
        threshold_usd: Decimal | None = None,
        dataset: Dataset | None = None,
        grain: Grain | None = None,
    ) -> ReportRequest:
        compliance = settings.compliance
        return cls(
            period,
            fmt,
            actor,
            templates=compliance.report_templates_dir,
            desk=desk,
            threshold_usd=threshold_usd or compliance.ctr_threshold_usd,
            dataset=dataset or Dataset.ALERTS,
            grain=grain or Grain.DAY,
        )


@dataclass(frozen=True)
class Report:
    name: str  # the command's name
    help: str  # the command's help
    make: Callable[[AsyncSession, ReportRequest], Awaitable[Document]]
    extras: tuple[Extra, ...] = ()
    route: str | None = None  # its path under /v1/compliance/reports; None: the CLI's only
    summary: str = ""  # the route's summary

    def file_stem(self, request: ReportRequest) -> str:
        """The downloaded file's name, before the period."""
        return request.dataset.value if Extra.DATASET in self.extras else self.name


async def produce(
    report: Report, session: AsyncSession, asked: ReportRequest, *, made_at: datetime
) -> Document | Printed:
    """The report's document in the format asked; a PDF is its CSV document's table printed
    (title, period, when it was made), the same as the back office's download."""
    if asked.fmt is not ReportFormat.PDF:
        return await report.make(session, asked)
    document = await report.make(session, replace(asked, fmt=ReportFormat.CSV))
    printed = table_pdf(report.help, asked.period, tabulate(document), made_at=made_at)
    return Printed(printed, document.rows)


def parameters(
    report: Report,
    common: Sequence[inspect.Parameter],
    extras: Mapping[str, inspect.Parameter],
) -> list[inspect.Parameter]:
    """A generated command's or route's parameters: the report's required extras (an export's
    dataset) first, then the ``common`` ones, then its optional extras (the CTR's threshold)."""
    own = [extras[extra] for extra in report.extras]
    required = [p for p in own if p.default is inspect.Parameter.empty]
    optional = [p for p in own if p.default is not inspect.Parameter.empty]
    return [*required, *common, *optional]


async def _ctr(session: AsyncSession, r: ReportRequest) -> Document:
    return await service.ctr_document(
        session,
        desk=r.desk(),
        templates=r.templates,
        period=r.period,
        threshold_usd=r.threshold_usd,
        fmt=r.fmt,
        actor=r.actor,
    )


async def _fx_position(session: AsyncSession, r: ReportRequest) -> Document:
    return await service.fx_position_document(
        session, desk=r.desk(), templates=r.templates, period=r.period, fmt=r.fmt, actor=r.actor
    )


async def _pricing(session: AsyncSession, r: ReportRequest) -> Document:
    return await service.pricing_document(
        session, templates=r.templates, period=r.period, fmt=r.fmt, actor=r.actor
    )


async def _screening_stats(session: AsyncSession, r: ReportRequest) -> Document:
    return await service.stats_document(
        session, templates=r.templates, period=r.period, fmt=r.fmt, actor=r.actor
    )


async def _operations(session: AsyncSession, r: ReportRequest) -> Document:
    return await service.operations_document(
        session, templates=r.templates, period=r.period, fmt=r.fmt, actor=r.actor, grain=r.grain
    )


async def _funnel(session: AsyncSession, r: ReportRequest) -> Document:
    return await service.funnel_document(
        session, templates=r.templates, period=r.period, fmt=r.fmt, actor=r.actor
    )


async def _treasury_positions(session: AsyncSession, r: ReportRequest) -> Document:
    return await service.treasury_positions_document(
        session, templates=r.templates, period=r.period, fmt=r.fmt, actor=r.actor
    )


async def _recon_summary(session: AsyncSession, r: ReportRequest) -> Document:
    return await service.recon_summary_document(
        session, templates=r.templates, period=r.period, fmt=r.fmt, actor=r.actor
    )


async def _export(session: AsyncSession, r: ReportRequest) -> Document:
    dataset, templates = r.dataset, r.templates
    return await service.export_document(
        session, templates=templates, dataset=dataset, period=r.period, fmt=r.fmt, actor=r.actor
    )


REPORTS = (
    Report(
        "ctr",
        "Customers whose matched deposits on one day reach the threshold, aggregated per day.",
        _ctr,
        extras=(Extra.THRESHOLD,),
        route="/ctr",
        summary="CTR-style report: deposits per customer per day at the threshold",
    ),
    Report(
        "fx-position",
        "Per day and currency: the FX position's opening, bought, sold and closing, in EUR.",
        _fx_position,
        route="/fx-position",
        summary="Per day and currency: the FX position's opening, bought, sold, closing in EUR",
    ),
    Report(
        "pricing",
        "Orders priced: the rule applied, quote against settled rate and USDC, the difference.",
        _pricing,
        route="/pricing",
        summary="Orders priced: the rule applied, quote against settled rate, the difference",
    ),
    Report(
        "screening-stats",
        "Alerts by source, kind and severity; cases opened and closed; hit and hold rates.",
        _screening_stats,
        route="/screening-stats",
        summary="Alerts by source, kind and severity; cases opened and closed; hit rates",
    ),
    Report(
        "operations",
        "Per day (or month) and currency: the order funnel, volume, fee and spread revenue, "
        "stage latencies.",
        _operations,
        extras=(Extra.GRAIN,),
        route="/operations",
        summary="Per day or month and currency: order funnel, volume, revenue, latencies",
    ),
    Report(
        "funnel",
        "Per day: registered, email verified, KYC started and approved, quotes, first orders.",
        _funnel,
        route="/funnel",
        summary="Per day: registrations, KYC started and approved, quotes, orders, first orders",
    ),
    Report(
        "treasury-positions",
        "Per day and treasury wallet: its USDC on the chain at the last block read that day.",
        _treasury_positions,
        route="/treasury-positions",
        summary="Per day and treasury wallet: USDC on the chain at the day's last block read",
    ),
    Report(
        "recon-summary",
        "Per day: reconciliation runs, matched, breaks opened, cleared and resolved by type, "
        "breaks open at the day's end and their amount per currency.",
        _recon_summary,
        route="/recon-summary",
        summary="Per day: recon runs, matches, breaks opened and closed by type, open amounts",
    ),
    Report(
        "export",
        "The alerts, the cases and their decisions, or the audit records of a period.",
        _export,
        extras=(Extra.DATASET,),
        route="/exports/{dataset}",
        summary="For auditors: the alerts, cases (with decisions) or audit records of a period",
    ),
)
