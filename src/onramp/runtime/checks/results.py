"""What one invariant of the money checker found: its name, whether it holds, and why not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

# How many offending rows an invariant names (it counts them all).
EXAMPLES = 5


@dataclass(frozen=True)
class InvariantResult:
    name: str
    holds: bool
    detail: str  # what was checked (holding) or what breaks it (not holding)
    examples: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line for ``onramp check``."""
        shown = f" ({', '.join(self.examples)})" if self.examples and not self.holds else ""
        return f"{'ok  ' if self.holds else 'FAIL'} {self.name:<28} {self.detail}{shown}"


@dataclass(frozen=True)
class Scope:
    """What the flow invariants look at. The books, the treasury and the audit chain are always
    checked whole; orders and deposits created before ``since`` and payout events before
    ``from_block`` are left out (a test checks what it did on a shared stack), and so is work
    dated after ``now`` (a test that moved the clock left it for a later window). Work younger
    than ``grace`` is in flight, not stuck."""

    now: datetime
    grace: timedelta = timedelta(minutes=5)
    since: datetime | None = None
    from_block: int = 0

    @property
    def settled_before(self) -> datetime:
        return self.now - self.grace


def result(name: str, offenders: list[str], count: int, ok: str, broken: str) -> InvariantResult:
    """``ok`` when nothing offends; otherwise ``broken`` (formatted with the ``count``)."""
    if count == 0:
        return InvariantResult(name, True, ok)
    return InvariantResult(name, False, broken.format(count=count), offenders[:EXAMPLES])
