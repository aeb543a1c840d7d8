"""Report formats as data: a template names a report's columns and, for each, the field of the
report's rows it shows. An operator (or a regulator's format) changes the file, not the code.

Rendering is JSON lines (one object per row, keyed by column name) or CSV (a header, then one
line per row). CSV cells that a spreadsheet would run as a formula are quoted as text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from onramp.core.errors import InvalidInput


class ReportTemplateInvalid(InvalidInput):
    code = "report_template_invalid"
    title = "The report template is not valid"


class ReportFormat(StrEnum):
    JSON = "json"  # JSON lines
    CSV = "csv"
    PDF = "pdf"  # the CSV's table printed (reports.tables), made by catalogue.produce


MEDIA_TYPES = {
    ReportFormat.JSON: "application/x-ndjson",
    ReportFormat.CSV: "text/csv",
    ReportFormat.PDF: "application/pdf",
}


class Column(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100)
    source: str = Field(min_length=1, max_length=100, description="A field of the report's rows")


class ReportTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    report: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    columns: tuple[Column, ...] = Field(min_length=1)


def load_template(folder: Path, report: str, fields: Iterable[str]) -> ReportTemplate:
    """``<folder>/<report>.json``, checked against the fields the report produces."""
    path = folder / f"{report}.json"
    try:
        template = ReportTemplate.model_validate(json.loads(path.read_text()))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ReportTemplateInvalid(f"{path}: {problems}") from None
    except (OSError, ValueError) as exc:
        raise ReportTemplateInvalid(f"{path}: {exc}") from None
    known = set(fields)
    unknown = sorted(c.source for c in template.columns if c.source not in known)
    if template.report != report or unknown:
        raise ReportTemplateInvalid(
            f"{path}: a {report!r} template may show {', '.join(sorted(known))}; "
            f"got report {template.report!r}, unknown sources {unknown}"
        )
    return template


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(_csv_value(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(_json_value(value), sort_keys=True, ensure_ascii=False)
    if isinstance(value, int | Decimal):
        return str(value)
    text = str(_json_value(value))
    # A spreadsheet would evaluate "=..." (or "-..." that is no number): keep it text.
    return "'" + text if text.startswith(_FORMULA_START) else text


def render(template: ReportTemplate, rows: Iterable[Mapping[str, Any]], fmt: ReportFormat) -> str:
    if fmt is ReportFormat.PDF:
        # A PDF is bytes, printed from the CSV document: catalogue.produce asks for that one.
        raise ValueError("a PDF is printed from the report's CSV (reports.catalogue.produce)")
    if fmt is ReportFormat.JSON:
        return "".join(
            json.dumps(
                {c.name: _json_value(row.get(c.source)) for c in template.columns},
                ensure_ascii=False,
            )
            + "\n"
            for row in rows
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in template.columns])
    for row in rows:
        writer.writerow([_csv_value(row.get(c.source)) for c in template.columns])
    return out.getvalue()
