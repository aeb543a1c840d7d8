"""Screening at the points where a person or an address enters the money path.

Registration (the customer's name), bank-account add (the holder's name), wallet add (the
address), each deposit (the sender's name), before each payout (the destination) and every
re-screen after a list update: each screens against the latest loaded lists, records the
result (``ScreeningRecord``: decision, score, list entry and list versions) and, on a hit,
raises a compliance alert. The callers decide what a hit stops.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.cases import AlertDraft, raise_alerts
from onramp.compliance.freshness import ListFreshness
from onramp.compliance.matcher import AddressMatcher, NameMatcher
from onramp.compliance.matching.settings import MatchSettings
from onramp.compliance.models import ScreeningRecord
from onramp.compliance.screening import combine
from onramp.compliance.service import ListCheck, latest_checks, latest_lists
from onramp.core import metrics
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7

NAME = "sanctions_name"
ADDRESS = "sanctions_address"


@dataclass(frozen=True)
class Matchers:
    versions: tuple[str, ...]
    addresses: AddressMatcher
    names: NameMatcher
    # Each source's latest version and when it was last confirmed current.
    checks: tuple[ListCheck, ...] = ()


class ListMatchers:
    """The matchers of the latest loaded lists, rebuilt only when a new version was loaded (one
    small query per call). One per process: the API, the orders and payouts workers."""

    def __init__(self, settings: MatchSettings | None = None) -> None:
        self.settings = settings or MatchSettings()
        self._cached: Matchers | None = None

    async def current(self, session: AsyncSession) -> Matchers | None:
        checks = await latest_checks(session=session)
        if not checks:
            return None
        versions = tuple(c.version_id for c in checks)
        if self._cached is None or self._cached.versions != versions:
            sanctions = combine(await latest_lists(session=session))
            self._cached = Matchers(
                versions, AddressMatcher(sanctions), NameMatcher(sanctions, self.settings), checks
            )
        elif self._cached.checks != checks:
            # The same lists, checked again since (a refresh found them unchanged).
            self._cached = replace(self._cached, checks=checks)
        return self._cached


@dataclass(frozen=True)
class Finding:
    """The outcome of one screen, in codes and list data (no screened personal data)."""

    kind: str
    decision: str  # hit | clear | not_screened
    score: float
    entry_uid: str | None
    entry_name: str | None
    reason: str
    versions: tuple[str, ...]

    @property
    def hit(self) -> bool:
        return self.decision == "hit"

    def evidence(self) -> dict[str, object]:
        return {"entry_uid": self.entry_uid, "score": self.score, "versions": list(self.versions)}


def _not_screened(kind: str) -> Finding:
    return Finding(kind, "not_screened", 0.0, None, None, "no sanctions list loaded", ())


def screen_name(
    matchers: Matchers | None,
    name: str,
    date_of_birth: str | None = None,
    country: str | None = None,
) -> Finding:
    if matchers is None:
        return _not_screened(NAME)
    best = matchers.names.best(name, date_of_birth, country)
    if best is None:
        return Finding(NAME, "clear", 0.0, None, None, "no list name is close", matchers.versions)
    hit = best.score >= matchers.names.settings.threshold
    reason = (
        f"name matches {best.matched_name!r} of {best.entry_name} (list entry "
        f"{best.entry_uid}): {best.reason}, score {best.score}"
        if hit
        else f"closest list name {best.entry_name} (list entry {best.entry_uid}) "
        f"scores {best.score}, under {matchers.names.settings.threshold}"
    )
    return Finding(
        NAME,
        "hit" if hit else "clear",
        best.score,
        best.entry_uid,
        best.entry_name,
        reason,
        matchers.versions,
    )


def screen_address(matchers: Matchers | None, address: str) -> Finding:
    if matchers is None:
        return _not_screened(ADDRESS)
    hits = matchers.addresses.screen(address)
    if not hits:
        return Finding(ADDRESS, "clear", 0.0, None, None, "address not listed", matchers.versions)
    first = hits[0]
    reason = (
        f"the sanctioned {first.currency} address {first.address} of {first.entry_name} "
        f"(list entry {first.entry_uid})"
    )
    return Finding(
        ADDRESS, "hit", 100.0, first.entry_uid, first.entry_name, reason, matchers.versions
    )


@dataclass(frozen=True)
class Screened:
    """A finding about a subject at a point, ready to be recorded (and alerted on a hit)."""

    point: str
    subject_type: str
    subject_id: str
    customer_id: uuid.UUID | None
    finding: Finding


async def record_screens(session: AsyncSession, screens: Sequence[Screened], now: datetime) -> None:
    if not screens:
        return
    for screen in screens:
        metrics.screened(screen.point, screen.finding.decision)
    await session.execute(
        insert(ScreeningRecord),
        [
            {
                "id": uuid7(),
                "point": s.point,
                "kind": s.finding.kind,
                "subject_type": s.subject_type,
                "subject_id": s.subject_id,
                "customer_id": s.customer_id,
                "decision": s.finding.decision,
                "score": s.finding.score,
                "entry_uid": s.finding.entry_uid,
                "reason": s.finding.reason[:2000],
                "list_versions": list(s.finding.versions),
                "created_at": now,
            }
            for s in screens
        ],
    )


def alert_for(
    screened: Screened,
    *,
    dedupe_key: str,
    hold: bool = False,
    order_id: uuid.UUID | None = None,
    severity: str = "high",
) -> AlertDraft:
    assert screened.customer_id is not None, "an alert belongs to a customer"
    finding = screened.finding
    return AlertDraft(
        customer_id=screened.customer_id,
        source="screening",
        kind=finding.kind,
        severity=severity,
        reason=f"{screened.point}: {screened.subject_type} hits {finding.reason}"[:2000],
        subject_type=screened.subject_type,
        subject_id=screened.subject_id,
        dedupe_key=dedupe_key[:200],
        hold=hold,
        order_id=order_id,
        evidence={**finding.evidence(), "point": screened.point},
    )


async def check_name(
    session: AsyncSession,
    matchers: ListMatchers,
    *,
    point: str,
    customer_id: uuid.UUID,
    subject_type: str,
    subject_id: str,
    name: str,
    now: datetime,
    actor: str,
    date_of_birth: str | None = None,
    country: str | None = None,
) -> Finding:
    """Screen a name at ``point``, record it, and raise an alert on a hit (in this transaction)."""
    finding = screen_name(await matchers.current(session), name, date_of_birth, country)
    await _record_and_alert(
        session, Screened(point, subject_type, subject_id, customer_id, finding), now, actor
    )
    return finding


async def check_address(
    session: AsyncSession,
    matchers: ListMatchers,
    *,
    point: str,
    customer_id: uuid.UUID,
    subject_type: str,
    subject_id: str,
    address: str,
    now: datetime,
    actor: str,
) -> Finding:
    finding = screen_address(await matchers.current(session), address)
    await _record_and_alert(
        session, Screened(point, subject_type, subject_id, customer_id, finding), now, actor
    )
    return finding


async def _record_and_alert(
    session: AsyncSession, screened: Screened, now: datetime, actor: str
) -> None:
    await record_screens(session, [screened], now)
    if screened.finding.hit:
        key = f"screening:{screened.point}:{screened.subject_type}:{screened.subject_id}"
        await raise_alerts(session, [alert_for(screened, dedupe_key=key)], now=now, actor=actor)


class _PresignScreen:
    """What both pre-sign checks share: the lists' matchers, and in production
    (``freshness.fail_closed``) no signing while no list is loaded or the newest is older than
    the limit: what they check waits (an order screened on a current list may sit queued while
    the list goes old)."""

    waits = "payments"

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        matchers: ListMatchers,
        freshness: ListFreshness | None = None,
    ) -> None:
        self._sessions = sessions
        self._matchers = matchers
        self._freshness = freshness or ListFreshness()

    async def waiting(self) -> str | None:
        """Why nothing may be signed now, or None."""
        if not self._freshness.fail_closed:
            return None
        async with self._sessions() as session:
            current = await self._matchers.current(session)
        if current is None:
            return f"no sanctions list loaded: {self.waits} wait until one is"
        now = utcnow()
        stale = self._freshness.stale(current.checks, now)
        if not stale:
            return None
        return f"{self._freshness.describe_stale(stale, now)}: {self.waits} wait for a refresh"


class WithdrawalScreen(_PresignScreen):
    """The withdrawal sender's check right before signing: the destination against the latest
    lists, recorded, a hit alerted (as at request time), in its own transaction."""

    waits = "withdrawals"

    async def __call__(self, customer_id: uuid.UUID, address: str) -> str | None:
        async with unit_of_work(self._sessions) as session:
            finding = await check_address(
                session,
                self._matchers,
                point="withdrawal_presign",
                customer_id=customer_id,
                subject_type="wallet_address",
                subject_id=address.lower(),
                address=address,
                now=utcnow(),
                actor="system:withdrawals",
            )
        return finding.reason if finding.hit else None


class PayoutScreen(_PresignScreen):
    """The check the payout sender runs right before signing (``chain.DestinationCheck``): each
    destination against the latest lists, recorded; the hits are returned, not paid. Its own
    transaction, so the record stands whatever the batch does next."""

    waits = "payouts"

    async def __call__(
        self, destinations: Sequence[tuple[uuid.UUID, str]]
    ) -> dict[uuid.UUID, tuple[str, dict[str, Any]]]:
        blocked: dict[uuid.UUID, tuple[str, dict[str, Any]]] = {}
        async with unit_of_work(self._sessions) as session:
            current = await self._matchers.current(session)
            screens = []
            for order_id, address in destinations:
                finding = screen_address(current, address)
                screens.append(Screened("payout", "order", str(order_id), None, finding))
                if finding.hit:
                    blocked[order_id] = (
                        f"payout destination is {finding.reason}",
                        {**finding.evidence(), "kind": finding.kind},
                    )
            await record_screens(session, screens, utcnow())
        return blocked
