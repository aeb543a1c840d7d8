"""The seam where compliance plugs in: every funded order is screened before it is priced.

``SanctionsScreener`` (``orders/sanctions.py``) screens the destination address against the
loaded sanctions lists; ``MonitoringScreener`` (``orders/monitoring.py``) runs the transaction-
monitoring rules on the order and its deposit; the workers chain the two (``ScreenerChain``).
``ScreeningNotConfigured`` passes every order and says so in the order's history and the audit
log, so no one mistakes it for a screen that ran.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from onramp.compliance.cases import AlertDraft
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


@dataclass(frozen=True)
class ScreeningSubject:
    order_id: uuid.UUID
    customer_id: uuid.UUID
    amount: Money
    destination_address: str
    sender_name: str | None = None
    deposit_id: uuid.UUID | None = None  # the deposit that funded the order


class Screener(Protocol):
    async def screen(self, subject: ScreeningSubject) -> ScreeningResult: ...


class ScreeningNotConfigured:
    async def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        return ScreeningResult(Verdict.CLEAR, "screening not configured (compliance module absent)")


# What a transition's reason may hold (order_transitions.reason).
MAX_REASON = 300
_RANK = {Verdict.CLEAR: 0, Verdict.HOLD: 1, Verdict.REJECT: 2}


class ScreenerChain:
    """Every screener runs (all findings are recorded); the strictest verdict wins, and its
    reasons are the order's."""

    def __init__(self, *screeners: Screener) -> None:
        self._screeners = screeners

    async def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        results = [await s.screen(subject) for s in self._screeners]
        verdict = max((r.verdict for r in results), key=_RANK.__getitem__, default=Verdict.CLEAR)
        reason = "; ".join(r.reason for r in results if r.verdict is verdict)
        if len(reason) > MAX_REASON:
            reason = reason[: MAX_REASON - 1] + "…"
        alerts = tuple(a for r in results for a in r.alerts)
        return ScreeningResult(verdict, reason or "not screened", alerts)
