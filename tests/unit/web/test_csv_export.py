"""The back office's CSV exports: a header, one line per row, times with their zone, and no
cell a spreadsheet would run as a formula."""

from __future__ import annotations

import datetime

from onramp.web.csv_export import csv_download


def test_rows_become_csv_with_plain_values() -> None:
    when = datetime.datetime(2026, 12, 6, 18, 0, tzinfo=datetime.UTC)
    answer = csv_download(
        "things.csv",
        ("id", "amount", "at", "note"),
        [(1, "12.50", when, None), (2, "3", None, "ok")],
    )
    assert answer.media_type == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == 'attachment; filename="things.csv"'
    assert bytes(answer.body).decode().splitlines() == [
        "id,amount,at,note",
        "1,12.50,2026-12-06T18:00:00+00:00,",
        "2,3,,ok",
    ]


def test_a_formula_is_written_as_text() -> None:
    answer = csv_download("x.csv", ("name",), [("=HYPERLINK(1)",), ("@SUM(A1)",), ("+1",), ("ok",)])
    assert bytes(answer.body).decode().splitlines()[1:] == [
        "'=HYPERLINK(1)",
        "'@SUM(A1)",
        "'+1",
        "ok",
    ]
