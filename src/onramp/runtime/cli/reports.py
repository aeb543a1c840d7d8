"""``onramp reports``: the CTR-style report, screening statistics and auditors' exports, printed
to stdout (JSON lines or CSV, shaped by the templates in ``compliance.report_templates_dir``).
One command per report of ``reports.catalogue.REPORTS``, all of one shape."""

from __future__ import annotations

import asyncio
import functools
import getpass
import inspect
import sys
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer._click import Command, Context  # the click typer ships, its groups' types

    from onramp.reports import Dataset, Grain, Period, Report, ReportFormat, ReportRequest

FromOption = Annotated[
    datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day (UTC), included")
]
ToOption = Annotated[
    datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (UTC), included")
]
FormatOption = Annotated[
    str, typer.Option("--format", help="json (JSON lines), csv or pdf (written to stdout)")
]

_KEYWORD = inspect.Parameter.POSITIONAL_OR_KEYWORD
_COMMON = (
    inspect.Parameter("first", _KEYWORD, annotation=FromOption),
    inspect.Parameter("last", _KEYWORD, annotation=ToOption),
    inspect.Parameter("fmt", _KEYWORD, annotation=FormatOption, default="json"),
)
# A report's extras (reports.catalogue.Extra) as options: the dataset comes before the period.
_EXTRAS = {
    "dataset": inspect.Parameter(
        "dataset",
        _KEYWORD,
        annotation=Annotated[str, typer.Argument(help="alerts, cases or audit")],
    ),
    "threshold": inspect.Parameter(
        "threshold",
        _KEYWORD,
        annotation=Annotated[
            Decimal | None,
            typer.Option(help="USD-equivalent (default: compliance.ctr_threshold_usd)"),
        ],
        default=None,
    ),
    "grain": inspect.Parameter(
        "grain",
        _KEYWORD,
        annotation=Annotated[str, typer.Option("--period", help="a row per day or per month")],
        default="day",
    ),
}


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
        print(f"report_format_invalid: {value!r}: choose json, csv or pdf", file=sys.stderr)
        raise typer.Exit(2) from None


def _grain(value: str) -> Grain:
    from onramp.reports import Grain

    try:
        return Grain(value)
    except ValueError:
        print(f"report_period_invalid: {value!r}: choose day or month", file=sys.stderr)
        raise typer.Exit(2) from None


def _dataset(value: str | None) -> Dataset | None:
    from onramp.reports import Dataset

    if value is None:
        return None
    try:
        return Dataset(value)
    except ValueError:
        print(f"report_dataset_invalid: {value!r}: choose alerts, cases or audit", file=sys.stderr)
        raise typer.Exit(2) from None


def _print(report: Report, asked: ReportRequest) -> None:
    from onramp.core.clock import SystemClock
    from onramp.core.db import standalone_sessions, unit_of_work
    from onramp.core.errors import OnrampError
    from onramp.core.settings import load_settings
    from onramp.reports import produce

    async def run() -> str | bytes:
        async with (
            standalone_sessions(load_settings().database.url) as sessions,
            unit_of_work(sessions) as session,
        ):
            made = await produce(report, session, asked, made_at=SystemClock().now())
            return made.content

    try:
        content = asyncio.run(run())
    except OnrampError as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc
    if isinstance(content, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(content)  # a PDF: redirect it to a file
    else:
        sys.stdout.write(content)


def _command(report: Report) -> Callable[..., None]:
    from onramp.reports import parameters as catalogue_parameters

    def command(
        first: datetime,
        last: datetime,
        fmt: str = "json",
        threshold: Decimal | None = None,
        dataset: str | None = None,
        grain: str = "day",
    ) -> None:
        from onramp.core.settings import load_settings
        from onramp.fx import FxDesk
        from onramp.reports import ReportRequest

        settings = load_settings()
        chosen, period = _format(fmt), _period(first, last)
        asked = ReportRequest.of(
            settings,
            period=period,
            fmt=chosen,
            actor=f"cli:{getpass.getuser()}",
            desk=lambda: FxDesk.from_settings(settings.fx),
            threshold_usd=threshold,
            dataset=_dataset(dataset),
            grain=_grain(grain),
        )
        _print(report, asked)

    # Typer reads a command's options from its signature: the common ones and the report's.
    parameters = catalogue_parameters(report, _COMMON, _EXTRAS)
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": None}
    command.__doc__ = report.help
    return command


@functools.cache
def _commands() -> dict[str, Command]:
    from onramp.reports import REPORTS

    made = typer.Typer()
    for report in REPORTS:
        made.command(report.name)(_command(report))
    return dict(typer.main.get_group(made).commands)


class _Reports(TyperGroup):
    """The commands of the table, made when ``onramp reports`` runs: the table imports the
    reports package (orders, the chain client), which other commands should not wait for."""

    def list_commands(self, ctx: Context) -> list[str]:
        return list(_commands())

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        return _commands().get(cmd_name)


reports_app = typer.Typer(
    cls=_Reports, help="Compliance reports and exports for auditors.", no_args_is_help=True
)
