"""TARGET business days and the ECB staleness rule: weekends and TARGET holidays bridge."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from onramp.fx.target_calendar import (
    easter_sunday,
    ecb_rates_current_until,
    is_target_business_day,
    next_target_business_day,
)


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5))],
)
def test_easter_sunday(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 1),
        date(2025, 4, 18),  # Good Friday
        date(2025, 4, 21),  # Easter Monday
        date(2025, 5, 1),
        date(2025, 12, 25),
        date(2025, 12, 26),
        date(2025, 5, 10),  # Saturday
    ],
)
def test_target_closing_days(day: date) -> None:
    assert not is_target_business_day(day)


def test_friday_rates_price_the_weekend_until_monday_publication() -> None:
    # 9 May 2025 is a Friday; Monday 12 May, 16:00 CEST is 14:00 UTC; grace two hours
    until = ecb_rates_current_until(date(2025, 5, 9), grace=timedelta(hours=2))
    assert until == datetime(2025, 5, 12, 16, 0, tzinfo=UTC)


def test_easter_bridges_from_thursday_to_tuesday() -> None:
    assert next_target_business_day(date(2025, 4, 17)) == date(2025, 4, 22)


def test_winter_publication_is_cet() -> None:
    until = ecb_rates_current_until(date(2024, 12, 31), grace=timedelta(0))
    # 1 Jan is closed: Thursday 2 Jan 2025, 16:00 CET = 15:00 UTC
    assert until == datetime(2025, 1, 2, 15, 0, tzinfo=UTC)
