"""Whether the loaded sanctions lists are current enough to pay on.

A list is as old as its last check against its publisher (``checked_at``: a load, or a refresh
that found the same bytes), not its first load: OFAC may publish nothing new for a week. In
production (``fail_closed``) a screen with no list, or with any source's latest version checked
longer ago than ``max_age``, holds the order for a person; elsewhere it passes and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from onramp.compliance.service import ListCheck

LIST_MISSING = "sanctions_list_missing"
LIST_STALE = "sanctions_list_stale"


@dataclass(frozen=True)
class ListFreshness:
    max_age: timedelta = timedelta(hours=48)
    fail_closed: bool = False  # ONRAMP_ENV=production

    def stale(self, checks: Sequence[ListCheck], now: datetime) -> tuple[ListCheck, ...]:
        return tuple(c for c in checks if now - c.checked_at > self.max_age)

    def describe_stale(self, stale: Sequence[ListCheck], now: datetime) -> str:
        ages = ", ".join(
            f"{c.source} last checked {_hours(now - c.checked_at)} ago "
            f"({c.checked_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC)"
            for c in stale
        )
        return f"sanctions list too old: {ages}; the limit is {_hours(self.max_age)}"


def _hours(age: timedelta) -> str:
    return f"{age.total_seconds() / 3600:.0f} h"
