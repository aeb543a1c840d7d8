"""The sanctions screen behind the ``Screener`` seam: the order's destination address and the
deposit's sender name against the latest loaded lists.

A hit holds the order for manual review rather than rejecting it: funds of a true match must be
blocked and reported, not refunded, and that is a person's decision. With no list loaded the
screen passes and says so in the order history, as ``ScreeningNotConfigured`` does. Every screen
(hit or clear) is recorded with the order as a ``ScreeningRecord``.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import compliance
from onramp.compliance.cases import AlertDraft
from onramp.compliance.checkpoints import (
    Finding,
    ListMatchers,
    Screened,
    screen_address,
    screen_name,
)
from onramp.orders.screening import ScreeningResult, ScreeningSubject, Verdict

POINT = "deposit"


class SanctionsScreener:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: compliance.MatchSettings | None = None,
        matchers: ListMatchers | None = None,
    ) -> None:
        self._sessions = sessions
        self._matchers = matchers or ListMatchers(settings)

    async def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        async with self._sessions() as session:
            current = await self._matchers.current(session)
        if current is None:
            return ScreeningResult(Verdict.CLEAR, "no sanctions list loaded; not screened")
        address = screen_address(current, subject.destination_address)
        screens = [_screened(subject, "order", address)]
        if address.hit:
            reason = f"destination is {address.reason}"
            return ScreeningResult(
                Verdict.HOLD, reason, (_alert(subject, address, reason),), tuple(screens)
            )
        if subject.sender_name:
            name = screen_name(current, subject.sender_name)
            screens.append(_screened(subject, "deposit", name))
            if name.hit:
                reason = f"sender {name.reason}"
                return ScreeningResult(
                    Verdict.HOLD, reason, (_alert(subject, name, reason),), tuple(screens)
                )
        return ScreeningResult(
            Verdict.CLEAR,
            f"sanctions screen clear (list versions {', '.join(current.versions)})",
            (),
            tuple(screens),
        )


def _screened(subject: ScreeningSubject, subject_type: str, finding: Finding) -> Screened:
    subject_id = subject.order_id if subject_type == "order" else subject.deposit_id
    return Screened(POINT, subject_type, str(subject_id), subject.customer_id, finding)


def _alert(subject: ScreeningSubject, finding: Finding, reason: str) -> AlertDraft:
    return AlertDraft.holding_order(
        customer_id=subject.customer_id,
        order_id=subject.order_id,
        source="screening",
        kind=finding.kind,
        severity="high",
        reason=reason,
        evidence=finding.evidence(),
    )
