"""A reporting period: whole UTC days, both ends included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from onramp.core.errors import InvalidInput

MAX_DAYS = 366


class ReportPeriodInvalid(InvalidInput):
    code = "report_period_invalid"
    title = "The report period is not valid"


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ReportPeriodInvalid("the period ends before it starts")
        if (self.last_day - self.first_day).days >= MAX_DAYS:
            raise ReportPeriodInvalid(f"a report covers at most {MAX_DAYS} days")

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return datetime.combine(self.last_day + timedelta(days=1), time(), tzinfo=UTC)

    def as_dict(self) -> dict[str, str]:
        return {"from": self.first_day.isoformat(), "to": self.last_day.isoformat()}
