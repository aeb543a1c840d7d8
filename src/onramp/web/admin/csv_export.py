"""A back-office list as CSV (``?format=csv`` on the list's page, with the page's filters): the
same rows the page shows, as plain values (amounts as decimals with their currency in a column
of their own), written by ``web.csv_export``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from fastapi.responses import Response

from onramp.web.csv_export import csv_download

Format = Literal["html", "csv"]


def csv_response(name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    return csv_download(f"{name}.csv", columns, rows)
