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
from onramp.compliance.checkpoints import Screened
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


class ScreeningNotConfigured:
    async def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        return ScreeningResult(Verdict.CLEAR, "screening not configured (compliance module absent)")
