"""TARGET2 business days and when the ECB's reference rates of a day stop being current.

The ECB publishes reference rates on TARGET business days: Monday to Friday except New Year's
Day, Good Friday, Easter Monday, 1 May and 25 and 26 December. It publishes around 16:00 CET
(Frankfurt local time, so CEST in summer).

The staleness rule (docs/pricing.md): the rates of day ``D`` are current until the next TARGET
business day's publication time plus a grace period. Friday's rates therefore price all weekend
and on Monday until the Monday rates are due; the rates of the Thursday before Easter price
until Tuesday afternoon. A file whose newest day is older than that is stale: the ECB published
since and we did not get it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

FRANKFURT = ZoneInfo("Europe/Berlin")
PUBLICATION_TIME = time(16, 0)


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm, valid for any year ≥ 1583)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def target_holidays(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    return frozenset(
        {
            date(year, 1, 1),
            easter - timedelta(days=2),
            easter + timedelta(days=1),
            date(year, 5, 1),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def is_target_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in target_holidays(day.year)


def next_target_business_day(day: date) -> date:
    following = day + timedelta(days=1)
    while not is_target_business_day(following):
        following += timedelta(days=1)
    return following


def ecb_rates_current_until(day: date, *, grace: timedelta) -> datetime:
    """When the ECB rates of ``day`` stop being current (UTC): the next TARGET business day's
    publication time in Frankfurt, plus ``grace`` for a late publication or a slow fetch."""
    following = next_target_business_day(day)
    published = datetime.combine(following, PUBLICATION_TIME, tzinfo=FRANKFURT)
    return (published + grace).astimezone(UTC)
