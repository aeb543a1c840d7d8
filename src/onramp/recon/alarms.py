"""A break above its type's threshold (an amount, or an age open) trips the payouts' circuit
breaker, with the break's id as the reason; each break trips it once (``tripped_at``), so a
breaker two people resumed is not tripped again by the same break. The breaker is the
treasury's: the composition root hands its ``trip`` in (recon does not import its sibling)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.audit import record
from onramp.core.money import UnknownCurrency
from onramp.core.money import currency as lookup_currency
from onramp.core.settings import TripRule
from onramp.recon.models import BreakState, ReconBreak

TRIGGER = "reconciliation_break"


class BreakerTrip(Protocol):
    """``treasury.trip_breaker``: opens the breaker (or, open already, audits the reason)."""

    async def __call__(
        self, session: AsyncSession, reason: str, evidence: dict[str, Any], *, trigger: str,
        actor: str, now: datetime | None,
    ) -> object: ...  # fmt: skip


@dataclass(frozen=True)
class BreakAlarm:
    rules: Mapping[str, TripRule]
    trip: BreakerTrip


def major_units(amount: int, currency: str) -> Decimal:
    """``amount`` minor units of ``currency`` as major units, sign dropped (an unknown
    currency's units are taken as they are)."""
    try:
        exponent = lookup_currency(currency).exponent
    except UnknownCurrency:
        exponent = 0
    return abs(Decimal(amount)).scaleb(-exponent)


def _major(b: ReconBreak) -> Decimal:
    return major_units(int(b.amount), b.currency)


def over(rule: TripRule, b: ReconBreak, now: datetime) -> str | None:
    """Why ``b`` trips the breaker under ``rule``, or None."""
    if rule.amount is not None and _major(b) >= rule.amount:
        return f"{_major(b)} {b.currency} at or above {rule.amount}"
    if rule.age_hours is not None and now - b.created_at >= timedelta(hours=rule.age_hours):
        return f"open since {b.created_at.isoformat()}, {rule.age_hours} h or more"
    return None


async def sound(
    session: AsyncSession, alarm: BreakAlarm, breaks: Sequence[ReconBreak], *, now: datetime,
    actor: str,
) -> list[ReconBreak]:  # fmt: skip
    """Trip the breaker for each open break of the run above its threshold; those that did."""
    tripped = []
    for b in breaks:
        rule = alarm.rules.get(b.type)
        if rule is None or b.state != BreakState.OPEN.value or b.tripped_at is not None:
            continue
        why = over(rule, b, now)
        if why is None:
            continue
        evidence = {
            "break_id": str(b.id), "type": b.type, "source": b.source, "bank": b.bank,
            "amount": int(b.amount), "currency": b.currency, "reference": b.reference,
            "date": b.run_date.isoformat(), "threshold": why,
        }  # fmt: skip
        await alarm.trip(
            session, f"recon break {b.id} ({b.type}): {why}", evidence, trigger=TRIGGER,
            actor=actor, now=now,
        )  # fmt: skip
        b.tripped_at = now
        await record(
            session, actor=actor, action="recon.breaker_tripped", entity_type="recon_break",
            entity_id=str(b.id), data=evidence,
        )  # fmt: skip
        tripped.append(b)
    return tripped
