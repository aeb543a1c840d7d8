"""Helpers of the period reports' tests: a day of the test's own, far from every other test's
rows; a time on it; a CSV document read back into lines."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, date, datetime, timedelta

from onramp.reports.service import Document


def far_day() -> date:
    return date(2150, 1, 1) + timedelta(days=random.randrange(10_000))  # noqa: S311


def at_hour(day: date, hours: float) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=hours)


def csv_lines(document: Document) -> list[list[str]]:
    assert document.media_type.startswith("text/csv")
    return list(csv.reader(io.StringIO(document.content)))
