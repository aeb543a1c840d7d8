"""The treasury positions report's shape: its shipped template names its fields, the catalogue
serves it, and the back office plots each wallet's balance per day, never added up."""

from __future__ import annotations

from onramp.core.settings import Settings
from onramp.reports import REPORTS, Table
from onramp.reports.templates import load_template
from onramp.reports.treasury_positions import FIELDS
from onramp.web.admin.reports import chart_of


def test_the_shipped_template_loads_and_the_catalogue_serves_it() -> None:
    template = load_template(
        Settings().compliance.report_templates_dir, "treasury-positions", FIELDS
    )
    assert [c.source for c in template.columns] == list(FIELDS)
    (report,) = [r for r in REPORTS if r.name == "treasury-positions"]
    assert report.route == "/treasury-positions"


def test_the_back_office_charts_each_wallet_per_day() -> None:
    table = Table(
        ("date", "wallet", "balance_usdc"),
        (("2026-01-01", "vault", "10.500000"), ("2026-01-01", "safe", "2.000000")),
    )
    assert chart_of("treasury-positions", table) == {
        "title": "USDC per wallet and day",
        "labels": ["2026-01-01 vault", "2026-01-01 safe"],
        "values": [10.5, 2.0],
    }
