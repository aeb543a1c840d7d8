"""``onramp reports``: the CTR-style report, screening statistics and auditors' exports, printed
to stdout (JSON lines or CSV, shaped by the templates in ``compliance.report_templates_dir``)."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onramp.reports import Document
    from onramp.reports.period import Period
    from onramp.reports.templates import ReportFormat

reports_app = typer.Typer(help="Compliance reports and exports for auditors.", no_args_is_help=True)

FromOption = Annotated[
    datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day (UTC), included")
]
ToOption = Annotated[
    datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (UTC), included")
]
FormatOption = Annotated[str, typer.Option("--format", help="json (JSON lines) or csv")]


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _run(make: Callable[[AsyncSession], Awaitable[Document]]) -> None:
    from onramp.core.db import standalone_sessions, unit_of_work
    from onramp.core.errors import OnrampError
    from onramp.core.settings import load_settings

    async def run() -> Document:
        async with (
            standalone_sessions(load_settings().database.url) as sessions,
            unit_of_work(sessions) as session,
        ):
            return await make(session)

    try:
        document = asyncio.run(run())
    except OnrampError as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc
    sys.stdout.write(document.content)


def _period(first: datetime, last: datetime) -> Period:
    # Imported here: the reports package pulls in orders and the chain client (web3), which
    # every other `onramp` command (`onramp screen names` among them) would pay for at start-up.
    from onramp.reports import Period, ReportPeriodInvalid

    try:
        return Period(first.date(), last.date())
    except ReportPeriodInvalid as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc


def _format(value: str) -> ReportFormat:
    from onramp.reports import ReportFormat

    try:
        return ReportFormat(value)
    except ValueError:
        print(f"report_format_invalid: {value!r}: choose json or csv", file=sys.stderr)
        raise typer.Exit(2) from None


@reports_app.command("ctr")
def ctr(
    first: FromOption,
    last: ToOption,
    fmt: FormatOption = "json",
    threshold: Annotated[
        Decimal | None, typer.Option(help="USD-equivalent (default: compliance.ctr_threshold_usd)")
    ] = None,
) -> None:
    """Customers whose matched deposits on one day reach the threshold, aggregated per day."""
    from onramp import reports
    from onramp.core.settings import load_settings
    from onramp.fx import FxDesk

    settings = load_settings()
    chosen = _format(fmt)
    period = _period(first, last)

    async def make(session: AsyncSession) -> Document:
        return await reports.ctr_document(
            session,
            desk=FxDesk.from_settings(settings.fx),
            templates=settings.compliance.report_templates_dir,
            period=period,
            threshold_usd=threshold or settings.compliance.ctr_threshold_usd,
            fmt=chosen,
            actor=_actor(),
        )

    _run(make)


@reports_app.command("fx-position")
def fx_position(first: FromOption, last: ToOption, fmt: FormatOption = "json") -> None:
    """Per day and currency: the FX position's opening, bought, sold and closing, in EUR."""
    from onramp import reports
    from onramp.core.settings import load_settings
    from onramp.fx import FxDesk

    settings = load_settings()
    chosen = _format(fmt)
    period = _period(first, last)

    async def make(session: AsyncSession) -> Document:
        return await reports.fx_position_document(
            session,
            desk=FxDesk.from_settings(settings.fx),
            templates=settings.compliance.report_templates_dir,
            period=period,
            fmt=chosen,
            actor=_actor(),
        )

    _run(make)


@reports_app.command("pricing")
def pricing(first: FromOption, last: ToOption, fmt: FormatOption = "json") -> None:
    """Orders priced: the rule applied, quote against settled rate and USDC, the difference."""
    from onramp import reports
    from onramp.core.settings import load_settings

    settings = load_settings()
    chosen = _format(fmt)
    period = _period(first, last)

    async def make(session: AsyncSession) -> Document:
        return await reports.pricing_document(
            session,
            templates=settings.compliance.report_templates_dir,
            period=period,
            fmt=chosen,
            actor=_actor(),
        )

    _run(make)


@reports_app.command("screening-stats")
def screening_stats(first: FromOption, last: ToOption, fmt: FormatOption = "json") -> None:
    """Alerts by source, kind and severity; cases opened and closed; hit and hold rates."""
    from onramp import reports
    from onramp.core.settings import load_settings

    settings = load_settings()
    chosen = _format(fmt)
    period = _period(first, last)

    async def make(session: AsyncSession) -> Document:
        return await reports.stats_document(
            session,
            templates=settings.compliance.report_templates_dir,
            period=period,
            fmt=chosen,
            actor=_actor(),
        )

    _run(make)


@reports_app.command("export")
def export(
    dataset: Annotated[str, typer.Argument(help="alerts, cases or audit")],
    first: FromOption,
    last: ToOption,
    fmt: FormatOption = "json",
) -> None:
    """The alerts, the cases and their decisions, or the audit records of a period."""
    from onramp import reports
    from onramp.core.settings import load_settings

    settings = load_settings()
    chosen = _format(fmt)
    period = _period(first, last)
    try:
        which = reports.Dataset(dataset)
    except ValueError:
        print(
            f"report_dataset_invalid: {dataset!r}: choose alerts, cases or audit", file=sys.stderr
        )
        raise typer.Exit(2) from None

    async def make(session: AsyncSession) -> Document:
        return await reports.export_document(
            session,
            templates=settings.compliance.report_templates_dir,
            dataset=which,
            period=period,
            fmt=chosen,
            actor=_actor(),
        )

    _run(make)
