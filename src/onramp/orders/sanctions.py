"""The sanctions screen behind the ``Screener`` seam: the order's destination address (and the
sender's name, when the subject carries one) against the latest loaded lists.

A hit holds the order for manual review rather than rejecting it: funds of a true match must be
blocked and reported, not refunded, and that is a person's decision. With no list loaded the
screen passes and says so in the order history, as ``ScreeningNotConfigured`` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import compliance
from onramp.compliance.cases import AlertDraft
from onramp.orders.screening import ScreeningResult, ScreeningSubject, Verdict


@dataclass(frozen=True)
class _Matchers:
    versions: tuple[str, ...]
    addresses: compliance.AddressMatcher
    names: compliance.NameMatcher


class SanctionsScreener:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: compliance.MatchSettings | None = None,
    ) -> None:
        self._sessions = sessions
        self._settings = settings or compliance.MatchSettings()
        self._matchers: _Matchers | None = None

    async def _current(self) -> _Matchers | None:
        # One small query per screen; the lists are re-read only when a new version was loaded.
        async with self._sessions() as session:
            versions = await compliance.latest_version_ids(session=session)
            if not versions:
                return None
            if self._matchers is None or self._matchers.versions != versions:
                sanctions = compliance.combine(await compliance.latest_lists(session=session))
                self._matchers = _Matchers(
                    versions,
                    compliance.AddressMatcher(sanctions),
                    compliance.NameMatcher(sanctions, self._settings),
                )
        return self._matchers

    async def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        matchers = await self._current()
        if matchers is None:
            return ScreeningResult(Verdict.CLEAR, "no sanctions list loaded; not screened")
        for hit in matchers.addresses.screen(subject.destination_address):
            reason = (
                f"destination is the sanctioned {hit.currency} address {hit.address} of "
                f"{hit.entry_name} (list entry {hit.entry_uid})"
            )
            alert = _alert(
                subject,
                "sanctions_address",
                reason,
                {
                    "entry_uid": hit.entry_uid,
                    "address": hit.address,
                    "versions": list(matchers.versions),
                },
            )
            return ScreeningResult(Verdict.HOLD, reason, (alert,))
        if subject.sender_name:
            name_hit = matchers.names.screen(subject.sender_name)
            if name_hit is not None:
                reason = (
                    f"sender name matches {name_hit.matched_name!r} of {name_hit.entry_name} "
                    f"(list entry {name_hit.entry_uid}): {name_hit.reason}, "
                    f"score {name_hit.score}"
                )
                evidence = {
                    "entry_uid": name_hit.entry_uid,
                    "score": name_hit.score,
                    "versions": list(matchers.versions),
                }
                alert = _alert(subject, "sanctions_name", reason, evidence)
                return ScreeningResult(Verdict.HOLD, reason, (alert,))
        return ScreeningResult(
            Verdict.CLEAR, f"sanctions screen clear (list versions {', '.join(matchers.versions)})"
        )


def _alert(
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
