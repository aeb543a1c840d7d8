"""Report routes for compliance officers and auditors (``compliance:reports``, read-only):
parse the period and format, call the report, return the document as the template shapes it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from onramp.core.web import SessionDep, SettingsDep
from onramp.identity.access import require
from onramp.identity.permissions import Permission
from onramp.identity.tokens import Principal
from onramp.reports import (
    Dataset,
    Document,
    Period,
    ReportFormat,
    ctr_document,
    export_document,
    stats_document,
)

router = APIRouter(prefix="/v1/compliance/reports", tags=["compliance reports"])

Reader = Annotated[Principal, require(Permission.COMPLIANCE_REPORTS)]
FirstDay = Annotated[date, Query(alias="from", description="First day (UTC), included")]
LastDay = Annotated[date, Query(alias="to", description="Last day (UTC), included")]
Format = Annotated[ReportFormat, Query(alias="format", description="json (JSON lines) or csv")]


def _response(document: Document, name: str, fmt: ReportFormat) -> Response:
    return Response(
        document.content,
        media_type=document.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{fmt.value}"',
            "X-Report-Rows": str(document.rows),
        },
    )


@router.get("/ctr", summary="CTR-style report: deposits per customer per day at the threshold")
async def ctr(
    request: Request,
    principal: Reader,
    session: SessionDep,
    settings: SettingsDep,
    first: FirstDay,
    last: LastDay,
    fmt: Format = ReportFormat.JSON,
    threshold_usd: Annotated[Decimal | None, Query(gt=0, le=10**12)] = None,
) -> Response:
    period = Period(first, last)
    document = await ctr_document(
        session,
        desk=request.app.state.fx_desk,
        templates=settings.compliance.report_templates_dir,
        period=period,
        threshold_usd=threshold_usd or settings.compliance.ctr_threshold_usd,
        fmt=fmt,
        actor=f"user:{principal.user_id}",
    )
    return _response(document, f"ctr-{first}-{last}", fmt)


@router.get(
    "/screening-stats",
    summary="Alerts by source, kind and severity; cases opened and closed; hit rates",
)
async def screening_stats(
    principal: Reader,
    session: SessionDep,
    settings: SettingsDep,
    first: FirstDay,
    last: LastDay,
    fmt: Format = ReportFormat.JSON,
) -> Response:
    document = await stats_document(
        session,
        templates=settings.compliance.report_templates_dir,
        period=Period(first, last),
        fmt=fmt,
        actor=f"user:{principal.user_id}",
    )
    return _response(document, f"screening-stats-{first}-{last}", fmt)


@router.get(
    "/exports/{dataset}",
    summary="For auditors: the alerts, cases (with decisions) or audit records of a period",
)
async def export(
    dataset: Dataset,
    principal: Reader,
    session: SessionDep,
    settings: SettingsDep,
    first: FirstDay,
    last: LastDay,
    fmt: Format = ReportFormat.JSON,
) -> Response:
    document = await export_document(
        session,
        templates=settings.compliance.report_templates_dir,
        dataset=dataset,
        period=Period(first, last),
        fmt=fmt,
        actor=f"user:{principal.user_id}",
    )
    return _response(document, f"{dataset.value}-{first}-{last}", fmt)
