"""The operations report's shape: its shipped template names its fields, the catalogue serves it
from the CLI, the API and the back office, and the back office charts its revenue per day and
currency."""

from __future__ import annotations

import inspect

import pytest

from onramp.core.errors import InvalidInput
from onramp.core.settings import Settings
from onramp.reports import REPORTS, Grain, Table, reports_router
from onramp.reports.catalogue import Extra
from onramp.reports.operations import FIELDS
from onramp.reports.templates import load_template
from onramp.web.admin.reports import chart_of, report_form


def test_the_shipped_template_loads_with_every_field() -> None:
    template = load_template(Settings().compliance.report_templates_dir, "operations", FIELDS)
    assert [c.source for c in template.columns] == list(FIELDS)


def test_the_catalogue_serves_it_at_its_route() -> None:
    (operations,) = [r for r in REPORTS if r.name == "operations"]
    assert operations.route == "/operations"


def test_the_back_office_charts_the_revenue_per_day_and_currency_never_added_up() -> None:
    table = Table(
        ("date", "currency", "revenue"),
        (("2026-01-01", "EUR", "3.00"), ("2026-01-01", "GBP", "1.50"), ("2026-01-02", "EUR", "")),
    )
    assert chart_of("operations", table) == {
        "title": "Revenue (fees and spread) per day and currency",
        "labels": ["2026-01-01 EUR", "2026-01-01 GBP", "2026-01-02 EUR"],
        "values": [3.0, 1.5, 0.0],
    }


def test_a_row_per_day_or_per_month_from_the_cli_the_api_and_the_back_office() -> None:
    (operations,) = [r for r in REPORTS if r.name == "operations"]
    assert operations.extras == (Extra.GRAIN,)
    route = next(r for r in reports_router.routes if r.path.endswith("/operations"))  # type: ignore[attr-defined]
    grain = inspect.signature(route.endpoint).parameters["grain"]  # type: ignore[attr-defined]
    assert grain.default is Grain.DAY
    form = report_form(report="operations", first="2026-01-01", last="2026-03-31", grain="month")
    assert form.grain is Grain.MONTH
    assert form.query()["period"] == "month"
    with pytest.raises(InvalidInput):
        report_form(report="operations", grain="week")
