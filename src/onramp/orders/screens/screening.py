"""The seam where compliance plugs in: every funded order is screened before it is priced.

``SanctionsScreener`` (``orders/screens/sanctions.py``) screens the destination address against
the loaded sanctions lists; ``MonitoringScreener`` (``orders/screens/monitoring.py``) runs the
transaction-monitoring rules on the order and its deposit; ``TravelRuleScreener``
(``orders/travel/policy.py``) re-checks the travel rule. The workers run them all (``Screeners``).
``ScreeningNotConfigured`` passes every order and says so in the order's history and the audit
log, so no one mistakes it for a screen that ran.

The saga screens a batch of funded orders at once (``screen_all``): a screen that can work
set-based offers ``screen_batch`` (one session and one query per table for the batch, each
subject's result the one ``screen`` alone would give); any other is asked order by order.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from onramp.compliance import AlertDraft, Screened
from onramp.core.money import Money


class Verdict(StrEnum):
    CLEAR = "clear"
    HOLD = "hold"  # manual review
    REJECT = "reject"


@dataclass(frozen=True)
class ScreeningResult:
    verdict: Verdict
    reason: str
    # The findings behind a HOLD or REJECT: raised as compliance alerts in the order's transaction.
    alerts: tuple[AlertDraft, ...] = ()
    # What was screened, hit or clear, against which list versions: recorded with the order.
    screens: tuple[Screened, ...] = ()


@dataclass(frozen=True)
class ScreeningSubject:
    order_id: uuid.UUID
    customer_id: uuid.UUID
    amount: Money
    destination_address: str
    sender_name: str | None = None  # the deposit's sender, as the bank reported it
    deposit_id: uuid.UUID | None = None


class Screener(Protocol):
    async def screen(self, subject: ScreeningSubject) -> ScreeningResult: ...


@runtime_checkable
class BatchScreener(Protocol):
    async def screen(self, subject: ScreeningSubject) -> ScreeningResult: ...

    async def screen_batch(self, subjects: Sequence[ScreeningSubject]) -> list[ScreeningResult]: ...


async def screen_all(
    screener: Screener, subjects: Sequence[ScreeningSubject]
) -> list[ScreeningResult]:
    """Each subject's result, in order: set-based when the screener can, else one by one."""
    if not subjects:
        return []
    if isinstance(screener, BatchScreener):
        return await screener.screen_batch(subjects)
    return [await screener.screen(s) for s in subjects]


class ScreeningNotConfigured:
    async def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        return ScreeningResult(Verdict.CLEAR, "screening not configured (compliance module absent)")


# When checks disagree, a person's review wins over a refund, and both over a pass: funds of a
# true sanctions match must be blocked, not sent back.
_GRAVITY = {Verdict.CLEAR: 0, Verdict.REJECT: 1, Verdict.HOLD: 2}
REASON_LENGTH = 300  # the order history's reason column


def combine_results(*results: ScreeningResult) -> ScreeningResult:
    """Several checks as one: the gravest verdict decides, with the reasons of the checks that
    gave it; every check's alerts and screen records are kept."""
    verdict = max((r.verdict for r in results), key=_GRAVITY.__getitem__, default=Verdict.CLEAR)
    reason = "; ".join(r.reason for r in results if r.verdict is verdict)
    if len(reason) > REASON_LENGTH:
        reason = reason[: REASON_LENGTH - 1] + "…"
    alerts = tuple(a for r in results for a in r.alerts)
    screens = tuple(s for r in results for s in r.screens)
    return ScreeningResult(verdict, reason or "no screens configured", alerts, screens)


class Screeners:
    """Several screens as one: every screen runs (each one's findings are raised)."""

    def __init__(self, *screeners: Screener) -> None:
        self._screeners = screeners

    async def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        return (await self.screen_batch([subject]))[0]

    async def screen_batch(self, subjects: Sequence[ScreeningSubject]) -> list[ScreeningResult]:
        if not self._screeners:
            return [combine_results() for _ in subjects]
        per_screener = [await screen_all(s, subjects) for s in self._screeners]
        return [combine_results(*results) for results in zip(*per_screener, strict=True)]
