"""The funnel report's shape: its shipped template names its fields, the catalogue serves it
from the CLI, the API and the back office, and the back office charts first orders per day."""

from __future__ import annotations

from onramp.core.settings import Settings
from onramp.reports import REPORTS, Table
from onramp.reports.funnel import FIELDS
from onramp.reports.templates import load_template
from onramp.web.admin.reports import chart_of


def test_the_shipped_template_loads_with_every_field() -> None:
    template = load_template(Settings().compliance.report_templates_dir, "funnel", FIELDS)
    assert [c.source for c in template.columns] == list(FIELDS)


def test_the_catalogue_serves_it_at_its_route() -> None:
    (funnel,) = [r for r in REPORTS if r.name == "funnel"]
    assert funnel.route == "/funnel"
    assert funnel.extras == ()


def test_the_back_office_charts_first_orders_per_day() -> None:
    table = Table(("date", "first_orders"), (("2026-01-01", "3"), ("2026-01-02", "0")))
    assert chart_of("funnel", table) == {
        "title": "First orders per day",
        "labels": ["2026-01-01", "2026-01-02"],
        "values": [3.0, 0.0],
    }
