"""SAR drafts are laid out by a data template; the queue's cursor; the four-eyes threshold."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from onramp.casework.decisions import needs_four_eyes
from onramp.compliance.cases import CaseCursorInvalid
from onramp.compliance.cases.listing import decode_cursor, encode_cursor
from onramp.compliance.cases.sar_narrative import narrative, totals
from onramp.compliance.cases.sar_pdf import render_pdf
from onramp.compliance.cases.sar_template import (
    ReportTemplate,
    ReportTemplateInvalid,
    load_template,
    render_sections,
)
from onramp.core.settings import ComplianceSettings


def _document() -> dict[str, Any]:
    doc: dict[str, Any] = {
        "report": {"generated_at": "2026-11-22T08:00:00+00:00", "generated_by": "u-1"},
        "institution": {"name": "Example Bank", "id": "FIU-42", "country": "DE"},
        "case": {
            "id": "case-1",
            "customer_id": "cust-1",
            "severity": "high",
            "opened_at": "2026-11-20T10:00:00+00:00",
            "decision": "file_sar",
            "decision_reason": "funds to a listed wallet",
            "closed_at": "2026-11-22T08:00:00+00:00",
        },
        "subjects": [
            {"role": "customer", "full_name": "Zoë Ærøskøbing", "address": {"city": "Köln"}}
        ],
        "transactions": [
            {
                "order_id": "o-1",
                "amount": "100.00",
                "currency": "EUR",
                "destination_address": "0xAb",
            },
            {
                "order_id": "o-2",
                "amount": "50.50",
                "currency": "EUR",
                "destination_address": "0xAb",
            },
        ],
        "activity": {"first_at": "2026-11-20", "last_at": "2026-11-21"},
        "alerts": [
            {
                "created_at": "2026-11-20T10:00:00+00:00",
                "source": "screening",
                "kind": "sanctions_address",
                "severity": "high",
                "action": "hold",
                "reason": "listed address",
                "evidence": {"entry_uid": "44718"},
            }
        ],
        "attachments": [],
        "notes": [{"created_at": "2026-11-21", "body": "customer could not explain the wallet"}],
    }
    doc["activity"]["totals"] = totals(doc["transactions"])
    return doc


def test_the_sample_template_lays_out_every_part() -> None:
    template = load_template(ComplianceSettings().sar_template)
    doc = _document()
    doc["narrative"] = narrative(doc)
    sections = {s["id"]: s for s in render_sections(template, doc)}
    assert list(sections) == [
        "institution",
        "subjects",
        "activity",
        "transactions",
        "alerts",
        "attachments",
        "narrative",
    ]
    assert {"label": "Name", "value": "Example Bank"} in sections["institution"]["fields"]
    subject = sections["subjects"]["records"][0]
    assert {"label": "Full name", "value": "Zoë Ærøskøbing"} in subject
    assert {"label": "Address", "value": "city: Köln"} in subject
    assert sections["transactions"]["rows"][0][:3] == ["o-1", "", "100.00"]
    assert sections["alerts"]["rows"][0][-1] == "entry_uid: 44718"
    assert sections["attachments"]["rows"] == []
    assert "customer could not explain the wallet" in sections["narrative"]["text"]


def test_the_narrative_states_the_facts() -> None:
    text = narrative(_document())
    assert "Zoë Ærøskøbing" in text
    assert "2 bank transfer(s) totalling 150.50 EUR" in text
    assert "high-severity sanctions_address alert (hold): listed address" in text
    assert "Destination wallet(s): 0xAb." in text
    assert "decided: file_sar. Reason: funds to a listed wallet" in text


def test_a_template_is_data_another_layout_needs_no_code(tmp_path: Path) -> None:
    path = tmp_path / "fiu.json"
    path.write_text(
        json.dumps(
            {
                "name": "fiu",
                "version": 3,
                "title": "FIU form",
                "sections": [
                    {
                        "id": "who",
                        "title": "Who",
                        "kind": "fields",
                        "fields": [{"label": "Reporter", "path": "institution.id"}],
                    }
                ],
            }
        )
    )
    sections = render_sections(load_template(path), _document())
    assert sections == [
        {
            "id": "who",
            "title": "Who",
            "kind": "fields",
            "fields": [{"label": "Reporter", "value": "FIU-42"}],
        }
    ]


def test_a_broken_template_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"name": "x", "version": 1, "title": "t", "sections": [{"id": 1}]}))
    with pytest.raises(ReportTemplateInvalid):
        load_template(path)


def test_the_pdf_is_a_pdf_with_any_script() -> None:
    template = load_template(ComplianceSettings().sar_template)
    doc = _document()
    doc["narrative"] = narrative(doc) + "\nАлексей Семёнов 王伟"
    pdf = render_pdf(template, render_sections(template, doc))
    assert pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")


def test_an_empty_report_still_renders() -> None:
    template = ReportTemplate.model_validate(
        {
            "name": "t",
            "version": 1,
            "title": "t",
            "sections": [
                {"id": "s", "title": "S", "kind": "records", "source": "subjects", "fields": []},
                {"id": "t", "title": "T", "kind": "table", "source": "none", "columns": []},
            ],
        }
    )
    assert render_pdf(template, render_sections(template, {})).startswith(b"%PDF")


def test_the_cursor_round_trips_and_refuses_garbage() -> None:
    case_id = uuid.uuid4()
    assert decode_cursor(encode_cursor(2, case_id)) == (2, case_id)
    for bad in ("", "!!", "bm90LWEtY3Vyc29y", encode_cursor(1, case_id)[:-3]):
        with pytest.raises(CaseCursorInvalid):
            decode_cursor(bad)


def test_four_eyes_above_the_threshold_only() -> None:
    assert not needs_four_eyes(Decimal("1000"), Decimal("1000"))
    assert needs_four_eyes(Decimal("1000.01"), Decimal("1000"))
    assert not needs_four_eyes(Decimal("0"), Decimal("0"))
