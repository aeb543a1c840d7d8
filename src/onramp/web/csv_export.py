"""Lists as CSV downloads: a header and one line per row. Times are ISO 8601 with their zone;
numbers stay numbers; any other cell a spreadsheet would run as a formula (``=``, ``+``, ``-``,
``@``...) is kept as text, as the reports' CSV does."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal

from fastapi.responses import Response

# A list page's ``?format=``: the page, or its rows (with the page's filters) as CSV.
Format = Literal["html", "csv"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return _cell(" ".join(str(v) for v in value))
    if isinstance(value, int | float):
        return str(value)
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_of(filename: str, columns: Sequence[str], items: Iterable[object]) -> Response:
    """Each item a line: its attributes named by ``columns`` (a list's cell joined by spaces)."""
    return csv_download(filename, columns, ([getattr(i, c) for c in columns] for i in items))
