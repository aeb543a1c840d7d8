"""The seam where compliance plugs in: every funded order is screened before it is priced.

``SanctionsScreener`` (``orders/sanctions.py``) screens the destination address against the
loaded sanctions lists; the workers use it. ``ScreeningNotConfigured`` passes every order and
says so in the order's history and the audit log, so no one mistakes it for a screen that ran.
Rules and limits come later, behind the same protocol.
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


class Screener(Protocol):
    async def screen(self, subject: ScreeningSubject) -> ScreeningResult: ...


class ScreeningNotConfigured:
    async def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        return ScreeningResult(Verdict.CLEAR, "screening not configured (compliance module absent)")


_SEVERITY = {Verdict.CLEAR: 0, Verdict.HOLD: 1, Verdict.REJECT: 2}


def combine_results(*results: ScreeningResult) -> ScreeningResult:
    """Several checks as one: the strictest verdict, the reasons of the checks that set it (all
    reasons when everything is clear), every alert."""
    verdict = max((r.verdict for r in results), key=_SEVERITY.__getitem__)
    reasons = [r.reason for r in results if r.verdict is verdict]
    alerts = tuple(a for r in results for a in r.alerts)
    return ScreeningResult(verdict, "; ".join(reasons), alerts)
