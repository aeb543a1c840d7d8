"""PDF from the CLI and the API: ``produce`` prints the report's CSV document as the back
office's PDF (same renderer), passes JSON and CSV through, and the template renderer refuses to
make a PDF itself (bytes come only from the printed table)."""

from __future__ import annotations

import inspect
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.reports import (
    REPORTS,
    Document,
    Period,
    Printed,
    ReportFormat,
    ReportRequest,
    produce,
    reports_router,
)
from onramp.reports.templates import ReportTemplate, render

ASKED = ReportRequest(
    Period(date(2026, 1, 1), date(2026, 1, 2)),
    ReportFormat.PDF,
    "test",
    templates=Path("."),
    desk=lambda: pytest.fail("no desk needed"),
    threshold_usd=1,  # type: ignore[arg-type]
)
SESSION: AsyncSession = object()  # type: ignore[assignment]  # the fake report never uses it


async def _made(_: AsyncSession, asked: ReportRequest) -> Document:
    """A report whose document says which format it was asked for."""
    assert asked.fmt is not ReportFormat.PDF, "a PDF is printed from the CSV document"
    return Document(f"date,format\n2026-01-01,{asked.fmt.value}\n", "text/csv", 1)


FAKE = replace(REPORTS[0], make=_made)


async def test_a_pdf_is_the_csv_documents_table_printed() -> None:
    printed = await produce(FAKE, SESSION, ASKED, made_at=datetime(2026, 1, 3, tzinfo=UTC))
    assert isinstance(printed, Printed)
    assert printed.content.startswith(b"%PDF-")
    assert (printed.media_type, printed.rows) == ("application/pdf", 1)


async def test_json_and_csv_pass_through_unprinted() -> None:
    for fmt in (ReportFormat.JSON, ReportFormat.CSV):
        made = await produce(FAKE, SESSION, replace(ASKED, fmt=fmt), made_at=datetime.now(UTC))
        assert isinstance(made, Document)
        assert made.content.endswith(f",{fmt.value}\n")


def test_the_template_renderer_makes_no_pdf_itself() -> None:
    template = ReportTemplate.model_validate(
        {"report": "r", "title": "R", "columns": [{"name": "a", "source": "a"}]}
    )
    with pytest.raises(ValueError, match="printed from the report's CSV"):
        render(template, [{"a": 1}], ReportFormat.PDF)


def test_every_route_takes_pdf_as_a_format() -> None:
    for route in reports_router.routes:
        signature = inspect.signature(route.endpoint)  # type: ignore[attr-defined]
        assert signature.parameters["fmt"].annotation.__origin__ is ReportFormat
    assert "pdf" in {f.value for f in ReportFormat}
