"""A SAR draft's layout is data: a template (``samples/config/reports/sar_template.json``) names
the sections and which fields of the report document go where. A regulator's own form is a new
template, not a code fork. Rendering is pure: document + template -> sections (for JSON and PDF).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from onramp.core.errors import InvalidInput


class ReportTemplateInvalid(InvalidInput):
    code = "report_template_invalid"
    title = "The report template is not valid"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TemplateField(_Strict):
    label: str
    path: str = Field(min_length=1)  # dotted, into the report document (or the record)


class Section(_Strict):
    id: str
    title: str
    kind: Literal["fields", "records", "table", "text"]
    fields: tuple[TemplateField, ...] = ()  # fields, records
    columns: tuple[TemplateField, ...] = ()  # table
    source: str = ""  # records, table: the list the rows come from
    path: str = ""  # text


class ReportTemplate(_Strict):
    name: str
    version: int
    title: str
    footer: str = ""
    sections: tuple[Section, ...]


@cache
def load_template(path: Path) -> ReportTemplate:
    try:
        return ReportTemplate.model_validate(json.loads(path.read_text()))
    except (OSError, ValueError, ValidationError) as e:
        raise ReportTemplateInvalid(f"{path.name}: {e}") from None


def lookup(document: Mapping[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {as_text(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, Sequence):
        return "; ".join(as_text(v) for v in value)
    if isinstance(value, Decimal | int | float | bool):
        return str(value)
    return str(value)


def _pairs(record: Mapping[str, Any], fields: Sequence[TemplateField]) -> list[dict[str, str]]:
    return [{"label": f.label, "value": as_text(lookup(record, f.path))} for f in fields]


def render_sections(template: ReportTemplate, document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each section of the template, filled from the document: what the PDF prints, in order."""
    out: list[dict[str, Any]] = []
    for s in template.sections:
        section: dict[str, Any] = {"id": s.id, "title": s.title, "kind": s.kind}
        if s.kind == "fields":
            section["fields"] = _pairs(document, s.fields)
        elif s.kind == "records":
            records = lookup(document, s.source) or []
            section["records"] = [_pairs(r, s.fields) for r in records]
        elif s.kind == "table":
            section["columns"] = [c.label for c in s.columns]
            section["rows"] = [
                [as_text(lookup(r, c.path)) for c in s.columns]
                for r in lookup(document, s.source) or []
            ]
        else:
            section["text"] = as_text(lookup(document, s.path))
        out.append(section)
    return out
