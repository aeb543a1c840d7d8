"""The sanctions screen behind the ``Screener`` seam: the order's destination address and the
deposit's sender name against the latest loaded lists.

A hit holds the order for manual review rather than rejecting it: funds of a true match must be
blocked and reported, not refunded, and that is a person's decision. The lists must be current
to pay on (``compliance.freshness``): in production, no list loaded or a list not checked for
longer than the allowed age holds the order with an alert saying which; elsewhere the order
passes and its history says it was not screened, or against what old list. Every screen (hit,
clear or not screened) is recorded with the order as a ``ScreeningRecord``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import compliance
from onramp.compliance import (
    LIST_MISSING,
    LIST_STALE,
    AlertDraft,
    Finding,
    ListFreshness,
    ListMatchers,
    Matchers,
    Screened,
    screen_address,
    screen_name,
)
from onramp.core.clock import Clock, SystemClock
from onramp.core.logging import get_logger
from onramp.orders.screens.screening import ScreeningResult, ScreeningSubject, Verdict

log = get_logger(__name__)
POINT = "deposit"
NOT_SCREENED = "no sanctions list loaded; not screened"


class SanctionsScreener:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: compliance.MatchSettings | None = None,
        matchers: ListMatchers | None = None,
        freshness: ListFreshness | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._sessions = sessions
        self._matchers = matchers or ListMatchers(settings)
        self._freshness = freshness or ListFreshness()
        self._clock = clock or SystemClock()

    async def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        return (await self.screen_batch([subject]))[0]

    async def screen_batch(self, subjects: Sequence[ScreeningSubject]) -> list[ScreeningResult]:
        """The batch against the lists as loaded once for it (one session, one small query)."""
        async with self._sessions() as session:
            current = await self._matchers.current(session)
        if current is None:
            return [self._no_list(s) for s in subjects]
        now = self._clock.now()
        stale = self._freshness.stale(current.checks, now)
        if not stale:
            return [_screen(s, current) for s in subjects]
        log.warning("screening.list_stale", sources=[c.source for c in stale])
        why = self._freshness.describe_stale(stale, now)
        evidence = {
            "sources": {c.source: c.checked_at.isoformat() for c in stale},
            "max_age_hours": self._freshness.max_age.total_seconds() / 3600,
        }
        return [self._on_stale_list(_screen(s, current), s, why, evidence) for s in subjects]

    def _on_stale_list(
        self,
        screened: ScreeningResult,
        subject: ScreeningSubject,
        why: str,
        evidence: dict[str, object],
    ) -> ScreeningResult:
        if screened.verdict is Verdict.HOLD:
            return screened  # a hit holds whatever the list's age
        if not self._freshness.fail_closed:
            return ScreeningResult(Verdict.CLEAR, f"{screened.reason}; {why}", (), screened.screens)
        alert = _holding_alert(subject, LIST_STALE, why, {**evidence})
        return ScreeningResult(Verdict.HOLD, why, (alert,), screened.screens)

    def _no_list(self, subject: ScreeningSubject) -> ScreeningResult:
        log.warning("screening.no_list", fail_closed=self._freshness.fail_closed)
        finding = screen_address(None, subject.destination_address)
        screens = (_screened(subject, "order", finding),)
        if not self._freshness.fail_closed:
            return ScreeningResult(Verdict.CLEAR, NOT_SCREENED, (), screens)
        reason = "no sanctions list loaded: held until one is loaded and the order re-screened"
        alert = _holding_alert(subject, LIST_MISSING, reason, {})
        return ScreeningResult(Verdict.HOLD, reason, (alert,), screens)


def _screen(subject: ScreeningSubject, current: Matchers) -> ScreeningResult:
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
    return _holding_alert(subject, finding.kind, reason, finding.evidence())


def _holding_alert(
    subject: ScreeningSubject, kind: str, reason: str, evidence: dict[str, object]
) -> AlertDraft:
    return AlertDraft.holding_order(
        customer_id=subject.customer_id,
        order_id=subject.order_id,
        source="screening",
        kind=kind,
        severity="high",
        reason=reason,
        evidence=evidence,
    )
