"""The operations report's shape: its shipped template names its fields, the catalogue serves it
from the CLI, the API and the back office, and the back office charts its revenue per day and
currency."""

from __future__ import annotations

from onramp.core.settings import Settings
from onramp.reports import REPORTS, Table
from onramp.reports.operations import FIELDS
from onramp.reports.templates import load_template
from onramp.web.admin.reports import chart_of


def test_the_shipped_template_loads_with_every_field() -> None:
    template = load_template(Settings().compliance.report_templates_dir, "operations", FIELDS)
    assert [c.source for c in template.columns] == list(FIELDS)


def test_the_catalogue_serves_it_at_its_route() -> None:
    (operations,) = [r for r in REPORTS if r.name == "operations"]
    assert operations.route == "/operations"
    assert operations.extras == ()


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
