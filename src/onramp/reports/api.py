"""Report routes for compliance officers and auditors (``compliance:reports``, read-only): one
route per report of ``catalogue.REPORTS`` that has a path, all of one shape: parse the period
and format, call the report, return the document as the template shapes it."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal, require
from onramp.core.clock import Clock
from onramp.core.settings import Settings
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.reports.catalogue import REPORTS, Extra, Report, ReportRequest, parameters, produce
from onramp.reports.exports import Dataset
from onramp.reports.operations import Grain
from onramp.reports.period import Period
from onramp.reports.service import Document
from onramp.reports.tables import Printed
from onramp.reports.templates import ReportFormat

router = APIRouter(prefix="/v1/compliance/reports", tags=["compliance reports"])

Reader = Annotated[Principal, require(Permission.COMPLIANCE_REPORTS)]
FirstDay = Annotated[date, Query(alias="from", description="First day (UTC), included")]
LastDay = Annotated[date, Query(alias="to", description="Last day (UTC), included")]
Format = Annotated[ReportFormat, Query(alias="format", description="json (JSON lines), csv or pdf")]

_KEYWORD = inspect.Parameter.POSITIONAL_OR_KEYWORD
_COMMON = (
    inspect.Parameter("request", _KEYWORD, annotation=Request),
    inspect.Parameter("principal", _KEYWORD, annotation=Reader),
    inspect.Parameter("session", _KEYWORD, annotation=SessionDep),
    inspect.Parameter("settings", _KEYWORD, annotation=SettingsDep),
    inspect.Parameter("clock", _KEYWORD, annotation=ClockDep),
    inspect.Parameter("first", _KEYWORD, annotation=FirstDay),
    inspect.Parameter("last", _KEYWORD, annotation=LastDay),
    inspect.Parameter("fmt", _KEYWORD, annotation=Format, default=ReportFormat.JSON),
)
_EXTRAS: dict[str, inspect.Parameter] = {
    Extra.DATASET: inspect.Parameter("dataset", _KEYWORD, annotation=Dataset),
    Extra.THRESHOLD: inspect.Parameter(
        "threshold_usd",
        _KEYWORD,
        annotation=Annotated[Decimal | None, Query(gt=0, le=10**12)],
        default=None,
    ),
    Extra.GRAIN: inspect.Parameter(
        "grain",
        _KEYWORD,
        annotation=Annotated[
            Grain, Query(alias="period", description="A row per day or per month (UTC)")
        ],
        default=Grain.DAY,
    ),
}


def _response(document: Document | Printed, name: str, fmt: ReportFormat) -> Response:
    return Response(
        document.content,
        media_type=document.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{fmt.value}"',
            "X-Report-Rows": str(document.rows),
        },
    )


def _endpoint(report: Report) -> Callable[..., Awaitable[Response]]:
    async def endpoint(
        request: Request,
        principal: Principal,
        session: AsyncSession,
        settings: Settings,
        clock: Clock,
        first: date,
        last: date,
        fmt: ReportFormat = ReportFormat.JSON,
        threshold_usd: Decimal | None = None,
        dataset: Dataset | None = None,
        grain: Grain | None = None,
    ) -> Response:
        asked = ReportRequest.of(
            settings,
            period=Period(first, last),
            fmt=fmt,
            actor=f"user:{principal.user_id}",
            desk=lambda: request.app.state.fx_desk,
            threshold_usd=threshold_usd,
            dataset=dataset,
            grain=grain,
        )
        document = await produce(report, session, asked, made_at=clock.now())
        return _response(document, f"{report.file_stem(asked)}-{first}-{last}", fmt)

    # FastAPI reads a route's parameters from its signature: the common ones and the report's.
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        parameters(report, _COMMON, _EXTRAS), return_annotation=Response
    )
    return endpoint


for _report in REPORTS:
    if _report.route is not None:
        router.add_api_route(
            _report.route,
            _endpoint(_report),
            methods=["GET"],
            name=_report.name.replace("-", "_"),
            summary=_report.summary,
        )
