"""The compliance figures' sanctions screenings: counted per decision and point from the
grouped rows, hits on their own, and flattened to (metric, key, value) rows after the cases."""

from __future__ import annotations

from onramp.reports.stats import _screenings, stats_rows


def test_screenings_are_counted_by_decision_and_point_with_the_hits() -> None:
    figures = _screenings(
        [("onboarding", "clear", 5), ("onboarding", "hit", 1), ("payout", "hit", 2)]
    )
    assert figures == {
        "total": 8,
        "hits": 3,
        "by_decision": {"clear": 5, "hit": 3},
        "by_point": {"onboarding": 6, "payout": 2},
    }
    assert _screenings([])["hits"] == 0


def test_the_csv_rows_carry_the_screenings_between_cases_and_orders() -> None:
    empty: dict[str, object] = {}
    rows = stats_rows(
        {"alerts": empty, "cases": {"opened": 1},
         "screenings": _screenings([("payout", "hit", 2)]), "orders": {"funded": 4}}
    )  # fmt: skip
    assert [(r["metric"], r["key"], r["value"]) for r in rows] == [
        ("cases.opened", "", 1),
        ("screenings.total", "", 2),
        ("screenings.hits", "", 2),
        ("screenings.by_decision", "hit", 2),
        ("screenings.by_point", "payout", 2),
        ("orders.funded", "", 4),
    ]
