"""The reconciliation summary's shape: its shipped template names its fields, the catalogue
serves it from the CLI, the API and the back office, the daily email may carry it, and the back
office charts the breaks open at each day's end."""

from __future__ import annotations

from onramp.core.settings import Settings
from onramp.core.settings.compliance import ComplianceSettings
from onramp.reports import REPORTS, Table
from onramp.reports.mailing import MAKERS
from onramp.reports.recon_summary import FIELDS
from onramp.reports.templates import load_template
from onramp.web.admin.reports import chart_of


def test_the_shipped_template_loads_with_every_field() -> None:
    template = load_template(Settings().compliance.report_templates_dir, "recon-summary", FIELDS)
    assert [c.source for c in template.columns] == list(FIELDS)


def test_the_catalogue_serves_it_and_the_daily_email_may_carry_it() -> None:
    (summary,) = [r for r in REPORTS if r.name == "recon-summary"]
    assert summary.route == "/recon-summary"
    assert "recon-summary" in MAKERS
    chosen = ComplianceSettings(report_email_reports=["recon-summary", "screening-stats"])
    assert chosen.report_email_reports == ["recon-summary", "screening-stats"]


def test_the_back_office_charts_the_breaks_open_at_each_days_end() -> None:
    table = Table(("date", "open_at_end"), (("2026-01-01", "3"), ("2026-01-02", "0")))
    assert chart_of("recon-summary", table) == {
        "title": "Breaks open at each day's end",
        "labels": ["2026-01-01", "2026-01-02"],
        "values": [3.0, 0.0],
    }
