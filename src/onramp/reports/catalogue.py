"""The table of reports: each one's name, what it takes beside a period and a format, how its
document is made, and whether the API serves it. ``onramp reports <name>`` and the routes under
``/v1/compliance/reports`` are generated from this table, one command and one route shape."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import fx
from onramp.core.settings import Settings
from onramp.reports import service
from onramp.reports.exports import Dataset
from onramp.reports.period import Period
from onramp.reports.service import Document
from onramp.reports.templates import ReportFormat


class Extra(StrEnum):
    """What a report takes beside its period and format."""

    DATASET = "dataset"  # which records an export holds (alerts, cases, audit); comes first
    THRESHOLD = "threshold"  # the CTR's USD-equivalent threshold (compliance.ctr_threshold_usd)


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    fmt: ReportFormat
    actor: str
    templates: Path
    desk: Callable[[], fx.FxDesk]  # built only for the reports that price in EUR or USD
    threshold_usd: Decimal
    dataset: Dataset = Dataset.ALERTS

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
        "Per day and currency: the order funnel, volume, fee and spread revenue, stage latencies.",
        _operations,
        route="/operations",
        summary="Per day and currency: order funnel, volume, fee and spread revenue, latencies",
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
