"""The pure parts of the reports: CTR aggregation per customer and UTC day, periods, and the
templates that shape the output (validated against the report's fields; CSV safe to open)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from onramp.banking import DepositFact
from onramp.core.money import Money
from onramp.core.settings import Settings
from onramp.reports import (
    Period,
    ReportFormat,
    ReportPeriodInvalid,
    ReportTemplateInvalid,
    ctr,
    exports,
    stats,
)
from onramp.reports.templates import load_template, render

DAY = datetime(2026, 3, 14, tzinfo=UTC)
SHIPPED = Settings().compliance.report_templates_dir


def dep(customer: uuid.UUID, usd: str, at: datetime) -> DepositFact:
    return DepositFact(
        uuid.uuid4(), customer, uuid.uuid4(), Money.parse(usd, "USD"), at, None, None
    )


def aggregate(deposits: list[DepositFact], threshold: str = "10000") -> list[ctr.CtrRow]:
    return ctr.aggregate(
        deposits,
        to_usd=lambda m: m.to_decimal(),
        threshold_usd=Decimal(threshold),
        rates_day="2026-03-13",
    )


def test_ctr_aggregates_one_customers_deposits_of_one_day() -> None:
    ann, bob = uuid.uuid4(), uuid.uuid4()
    morning = dep(ann, "4000.00", DAY + timedelta(hours=8))
    noon = dep(ann, "3500.00", DAY + timedelta(hours=12))
    evening = dep(ann, "2500.00", DAY + timedelta(hours=23, minutes=59))
    next_day = dep(ann, "9000.00", DAY + timedelta(days=1, minutes=1))
    bobs = dep(bob, "6000.00", DAY + timedelta(hours=9))
    (row,) = aggregate([next_day, evening, bobs, noon, morning])
    assert (row.customer_id, row.day, row.total_usd) == (
        ann,
        date(2026, 3, 14),
        Decimal("10000.00"),
    )
    assert row.deposits == (morning, noon, evening)
    d = row.as_dict()
    assert d["deposit_count"] == 3
    assert d["amounts"] == ["4000.00 USD", "3500.00 USD", "2500.00 USD"]
    # Just under the threshold is not reported; across customers nothing is summed.
    assert aggregate([morning, noon, bobs], threshold="13500.01") == []


def test_a_single_large_deposit_is_a_row_of_its_own() -> None:
    ann, bob = uuid.uuid4(), uuid.uuid4()
    rows = aggregate([dep(bob, "12000.00", DAY), dep(ann, "10000.00", DAY + timedelta(days=1))])
    assert [(r.customer_id, r.day) for r in rows] == [
        (bob, date(2026, 3, 14)),
        (ann, date(2026, 3, 15)),
    ]


def test_periods_are_whole_utc_days() -> None:
    p = Period(date(2026, 3, 1), date(2026, 3, 31))
    assert (p.start, p.end) == (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    with pytest.raises(ReportPeriodInvalid):
        Period(date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(ReportPeriodInvalid):
        Period(date(2025, 1, 1), date(2026, 1, 2))


def test_the_shipped_templates_load() -> None:
    assert load_template(SHIPPED, "ctr", ctr.FIELDS).columns
    assert load_template(SHIPPED, "screening-stats", stats.FIELDS).columns
    for dataset in exports.Dataset:
        assert load_template(SHIPPED, dataset.value, exports.FIELDS[dataset]).columns


def test_a_template_naming_an_unknown_field_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ctr.json").write_text(
        json.dumps(
            {
                "report": "ctr",
                "title": "t",
                "columns": [{"name": "who", "source": "customer_name"}],
            }
        )
    )
    with pytest.raises(ReportTemplateInvalid) as refused:
        load_template(tmp_path, "ctr", ctr.FIELDS)
    assert refused.value.code == "report_template_invalid"
    assert "customer_name" in refused.value.detail
    (tmp_path / "ctr.json").write_text('{"report": "ctr", "title": "t", "columns": []}')
    with pytest.raises(ReportTemplateInvalid, match="columns"):
        load_template(tmp_path, "ctr", ctr.FIELDS)


def test_rendering_follows_the_template(tmp_path: Path) -> None:
    (tmp_path / "ctr.json").write_text(
        json.dumps(
            {
                "report": "ctr",
                "title": "t",
                "columns": [
                    {"name": "Total (USD)", "source": "total_usd"},
                    {"name": "Deposits", "source": "deposit_ids"},
                ],
            }
        )
    )
    template = load_template(tmp_path, "ctr", ctr.FIELDS)
    a, b = uuid.uuid4(), uuid.uuid4()
    rows = [{"total_usd": Decimal("10500.00"), "deposit_ids": [a, b], "day": date(2026, 3, 14)}]
    lines = render(template, rows, ReportFormat.JSON).splitlines()
    assert [json.loads(line) for line in lines] == [
        {"Total (USD)": "10500.00", "Deposits": [str(a), str(b)]}
    ]
    table = list(csv.reader(io.StringIO(render(template, rows, ReportFormat.CSV))))
    assert table == [["Total (USD)", "Deposits"], ["10500.00", f"{a};{b}"]]


def test_csv_cells_never_run_as_formulas(tmp_path: Path) -> None:
    template = load_template(SHIPPED, "alerts", exports.FIELDS[exports.Dataset.ALERTS])
    row = {"reason": '=HYPERLINK("http://x")', "kind": "-rule", "evidence": {"a": 1}}
    (_, cells) = list(csv.reader(io.StringIO(render(template, [row], ReportFormat.CSV))))
    names = [c.name for c in template.columns]
    assert cells[names.index("reason")] == '\'=HYPERLINK("http://x")'
    assert cells[names.index("kind")] == "'-rule"
    assert cells[names.index("evidence")] == '{"a": 1}'
