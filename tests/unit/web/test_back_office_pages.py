"""The back office's page logic that needs no database: which navigation links a role sees, the
reports' chart data, and CSV cells a spreadsheet would run kept as text."""

from __future__ import annotations

from types import SimpleNamespace

from onramp.reports import Table
from onramp.web.admin.reports import chart_of
from onramp.web.csv_export import csv_download
from onramp.web.rendering import _ENV


def _nav(role: str) -> str:
    page = _ENV.from_string(
        '{% extends "admin/layout.html" %}{% block content %}<h1>x</h1>{% endblock %}'
    )
    return page.render(
        request=None,
        path="/admin/audit",
        principal=SimpleNamespace(role=role),
        csrf="t",
        error=None,
    )


def test_the_navigation_offers_only_what_the_role_may_open() -> None:
    auditor = _nav("auditor")
    for href in ('"/admin/approvals"', '"/admin/staff"', '"/admin/audit"', '"/admin/reports"'):
        assert f"href={href}" in auditor
    assert 'aria-current="page"' in auditor  # the audit log, where we are
    support = _nav("support")
    for href in ('"/admin/approvals"', '"/admin/staff"', '"/admin/audit"', '"/admin/reports"'):
        assert f"href={href}" not in support
    admin = _nav("admin")
    assert 'href="/admin/staff"' in admin
    assert 'href="/admin/audit"' in admin  # the audit log: auditors', compliance's and admins'


def test_a_chart_sums_its_value_per_label() -> None:
    ctr = Table(
        ("date", "customer_id", "total_usd"),
        (("2026-01-01", "a", "100.50"), ("2026-01-01", "b", "1"), ("2026-01-02", "a", "")),
    )
    assert chart_of("ctr", ctr) == {
        "title": "Large cash deposits per day (USD)",
        "labels": ["2026-01-01", "2026-01-02"],
        "values": [101.5, 0.0],
    }
    stats = Table(
        ("metric", "key", "value"),
        (
            ("alerts.total", "", "3"),
            ("alerts.by_kind", "name", "2"),
            ("orders.hit_rate", "", "0.5000"),
        ),
    )
    chart = chart_of("screening-stats", stats)
    assert chart is not None
    assert chart["labels"] == ["alerts.total"]  # breakdowns and rates stay in the table
    assert chart_of("export", ctr) is None  # no chart for an export
    assert chart_of("ctr", Table(("renamed",), (("1",),))) is None  # a template renamed it


def test_csv_cells_that_look_like_formulas_stay_text() -> None:
    answer = csv_download("x.csv", ("a", "b"), [("=1+1", 5), ("-x", None)])
    assert answer.body.decode() == "a,b\n'=1+1,5\n'-x,\n"
    assert answer.headers["content-disposition"] == 'attachment; filename="x.csv"'


def test_the_older_page_keeps_the_filter() -> None:
    from tests.unit.web.test_pages import _context

    context = {**_context(), "first_page": False, "next_before": "0190"}
    html = _ENV.get_template("admin/audit.html").render(**context)
    assert 'href="/admin/audit?actor=user%3A1&amp;before=0190">Older' in html
    assert 'href="/admin/audit?actor=user%3A1">Newest' in html
    assert 'href="/admin/audit.csv?actor=user%3A1"' in html
