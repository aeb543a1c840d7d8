"""Days for recon tests: a run reconciles every bank's bookings of its date, so each test gets a
day no other test of this run uses, far enough from the others that a test's next days (a
statement after a weekend, a file a week later) stay its own too."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

# Open breaks other tests leave on purpose stay on their days; a random day out of 20,000 met
# one of them in about one run out of twenty.
SPACING = timedelta(days=30)
_FIRST = date(2042, 1, 1)  # after the fixed days other suites write breaks on (2041-01-01)
_taken = itertools.count(random.randrange(100))  # noqa: S311 - a fresh stack per run; varied anyway


def fresh_day() -> date:
    """A day of this test's own, with 29 untouched days after it; before 2069 (BAI2 years)."""
    return _FIRST + SPACING * next(_taken)
