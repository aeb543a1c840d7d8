"""Reports (``/admin/reports``): each report of ``reports.REPORTS`` over a range of UTC days,
shown as a table (with a chart where one helps), and downloaded as CSV or PDF. The same
documents as ``/v1/compliance/reports/...`` (``compliance:reports``), each generation audited
as the API's are."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from onramp.auth import Permission, Principal, require
from onramp.core.errors import InvalidInput
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep
from onramp.reports import (
    REPORTS,
    Dataset,
    Document,
    Grain,
    Period,
    Report,
    ReportFormat,
    ReportRequest,
    Table,
    produce,
    tabulate,
)
from onramp.web.rendering import render

router = APIRouter(prefix="/admin/reports", include_in_schema=False)
Reader = Annotated[Principal, require(Permission.COMPLIANCE_REPORTS)]
BY_NAME = {report.name: report for report in REPORTS}


@dataclass(frozen=True)
class Chart:
    """What a report's chart plots: a value summed per label, as bars."""

    title: str
    # None: the row is not plotted. Templates may rename columns: a missing one plots nothing.
    label: Callable[[dict[str, str]], str | None]
    value: str


CHARTS = {
    "ctr": Chart("Large cash deposits per day (USD)", lambda r: r.get("date"), "total_usd"),
    "fx-position": Chart("Closing position per day (EUR)", lambda r: r.get("date"), "closing_eur"),
    "pricing": Chart(
        "Settled minus quoted, per day", lambda r: r.get("priced_at", "")[:10] or None, "difference"
    ),
    # Per day and currency: revenues in two currencies do not add up.
    "operations": Chart(
        "Revenue (fees and spread) per day and currency",
        lambda r: f"{r['date']} {r['currency']}" if r.get("date") else None,
        "revenue",
    ),
    "funnel": Chart("First orders per day", lambda r: r.get("date"), "first_orders"),
    # Per day and wallet: balances of one wallet are plotted, never added across days.
    "treasury-positions": Chart(
        "USDC per wallet and day",
        lambda r: f"{r['date']} {r['wallet']}" if r.get("date") else None,
        "balance_usdc",
    ),
    "recon-summary": Chart("Breaks open at each day's end", lambda r: r.get("date"), "open_at_end"),
    # The counts of the period (rates and breakdowns stay in the table).
    "screening-stats": Chart(
        "Alerts, cases and orders screened",
        lambda r: (
            None if r.get("key") or r.get("metric", "_rate").endswith("_rate") else r["metric"]
        ),
        "value",
    ),
}


@dataclass(frozen=True)
class ReportForm:
    report: str
    first: date | None
    last: date | None
    dataset: str
    threshold_usd: Decimal | None
    grain: Grain = Grain.DAY

    def asked(self) -> tuple[Report, Period] | None:
        """The report and its period, once the form names both; a wrong one is refused."""
        if not self.report:
            return None
        if self.report not in BY_NAME:
            raise InvalidInput(f"no such report; reports are {', '.join(BY_NAME)}")
        if self.first is None or self.last is None:
            return None
        return BY_NAME[self.report], Period(self.first, self.last)

    def query(self) -> dict[str, str]:
        return {
            "report": self.report,
            "from": self.first.isoformat() if self.first else "",
            "to": self.last.isoformat() if self.last else "",
            "dataset": self.dataset,
            "threshold_usd": str(self.threshold_usd or ""),
            "period": self.grain.value,
        }


def _day(typed: str) -> date | None:
    try:
        return date.fromisoformat(typed) if typed else None
    except ValueError:
        raise InvalidInput(f"{typed!r} is not a day (YYYY-MM-DD)") from None


def _threshold(typed: str) -> Decimal | None:
    try:
        amount = Decimal(typed) if typed else None
    except InvalidOperation:
        amount = Decimal(-1)
    if amount is not None and not 0 < amount <= 10**12:
        raise InvalidInput("the threshold is an amount of USD above 0")
    return amount


def report_form(
    report: Annotated[Text, Query(max_length=40)] = "",
    first: Annotated[Text, Query(alias="from", max_length=20)] = "",
    last: Annotated[Text, Query(alias="to", max_length=20)] = "",
    dataset: Annotated[Text, Query(max_length=20)] = Dataset.ALERTS.value,
    threshold_usd: Annotated[Text, Query(max_length=20)] = "",
    grain: Annotated[Text, Query(alias="period", max_length=10)] = Grain.DAY.value,
) -> ReportForm:
    if dataset not in {d.value for d in Dataset}:
        raise InvalidInput(f"datasets are {', '.join(d.value for d in Dataset)}")
    if grain not in {g.value for g in Grain}:
        raise InvalidInput(f"a row per {' or '.join(g.value for g in Grain)}")
    return ReportForm(
        report, _day(first), _day(last), dataset, _threshold(threshold_usd), Grain(grain)
    )


Form = Annotated[ReportForm, Depends(report_form)]


@dataclass(frozen=True)
class Made:
    report: Report
    asked: ReportRequest
    document: Document

    def file_name(self, extension: str) -> str:
        period = self.asked.period
        stem = self.report.file_stem(self.asked)
        return f"{stem}-{period.first_day}-{period.last_day}.{extension}"


async def _document(
    request: Request, principal: Principal, session: SessionDep, form: ReportForm
) -> Made | None:
    wanted = form.asked()
    if wanted is None:
        return None
    report, period = wanted
    asked = ReportRequest.of(
        request.app.state.settings,
        period=period,
        fmt=ReportFormat.CSV,
        actor=f"user:{principal.user_id}",
        desk=lambda: request.app.state.fx_desk,
        threshold_usd=form.threshold_usd,
        dataset=Dataset(form.dataset),
        grain=form.grain,
    )
    return Made(report, asked, await report.make(session, asked))


async def _needed(
    request: Request, principal: Principal, session: SessionDep, form: ReportForm
) -> Made:
    made = await _document(request, principal, session, form)
    if made is None:
        raise InvalidInput("a download needs a report and its first and last day")
    return made


def chart_of(name: str, table: Table) -> dict[str, Any] | None:
    """The chart's data for the page's JSON block: labels and their summed values."""
    chart = CHARTS.get(name)
    if chart is None or chart.value not in table.columns:
        return None
    sums: dict[str, Decimal] = {}
    for cells in table.rows:
        row = dict(zip(table.columns, cells, strict=False))
        label = chart.label(row)
        try:
            value = Decimal(row[chart.value] or 0)
        except InvalidOperation:
            continue
        if label is not None:
            sums[label] = sums.get(label, Decimal(0)) + value
    if not sums:
        return None
    return {"title": chart.title, "labels": list(sums), "values": [float(v) for v in sums.values()]}


def _reports() -> Sequence[dict[str, str]]:
    return [{"name": r.name, "help": r.help} for r in REPORTS]


@router.get("")
async def reports_page(
    request: Request, principal: Reader, session: SessionDep, form: Form
) -> Response:
    made = await _document(request, principal, session, form)
    table = tabulate(made.document) if made else None
    return render(
        request,
        "admin/reports.html",
        principal=principal,
        reports=_reports(),
        datasets=[d.value for d in Dataset],
        grains=[g.value for g in Grain],
        form=form,
        query=form.query(),
        made=made,
        table=table,
        chart=chart_of(made.report.name, table) if made and table else None,
    )


def _attachment(content: str | bytes, media_type: str, name: str) -> Response:
    disposition = f'attachment; filename="{name}"'
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/download.csv")
async def report_csv(
    request: Request, principal: Reader, session: SessionDep, form: Form
) -> Response:
    """The API's own CSV document of the report."""
    made = await _needed(request, principal, session, form)
    return _attachment(made.document.content, made.document.media_type, made.file_name("csv"))


@router.get("/download.pdf")
async def report_pdf(
    request: Request, principal: Reader, session: SessionDep, clock: ClockDep, form: Form
) -> Response:
    made = await _needed(request, principal, session, form)
    pdf = replace(made.asked, fmt=ReportFormat.PDF)
    printed = await produce(made.report, session, pdf, made_at=clock.now())
    return _attachment(printed.content, printed.media_type, made.file_name("pdf"))
