"""A reconciliation run for one day: match, store the run, keep each break once by its key.

Idempotent for its date: a second run finds the same breaks (updated in place, never doubled);
a break it no longer finds (a timing break the bank's evening file cleared) becomes ``cleared``;
a break an operator resolved stays resolved.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.audit import record
from onramp.core.backlog import Backlog, backlog_of
from onramp.core.ids import uuid7
from onramp.recon.alarms import BreakAlarm, sound
from onramp.recon.bank import one_of, reconcile_bank
from onramp.recon.bank_balances import reconcile_bank_balances
from onramp.recon.bank_debits import reconcile_bank_debits
from onramp.recon.bank_openings import reconcile_openings
from onramp.recon.chain import reconcile_chain
from onramp.recon.findings import Finding
from onramp.recon.models import BreakState, BreakType, ReconBreak, ReconRun
from onramp.recon.obligations import reconcile_obligations

KEEP_BATCH = 1000  # breaks per INSERT: 13 bind parameters each, asyncpg takes 32,767 at most


@dataclass(frozen=True)
class RunResult:
    run_id: uuid.UUID
    day: date
    matched: dict[str, Any]
    breaks: list[ReconBreak]

    def as_dict(self) -> dict[str, Any]:
        """The shape ``onramp recon run --json`` prints (the issue's interface)."""
        return {
            "run_id": str(self.run_id),
            "date": self.day.isoformat(),
            "matched": {
                "bank": self.matched["bank"]["lines"]
                + self.matched.get("bank_debits", {}).get("lines", 0),
                "chain": self.matched.get("chain", {}).get("events", 0),
            },
            "breaks": [break_dict(b) for b in self.breaks],
        }


def break_dict(b: ReconBreak) -> dict[str, Any]:
    return {
        "id": str(b.id),
        "type": b.type,
        "source": b.source,
        "amount": int(b.amount),
        "currency": b.currency,
        "reference": b.reference,
        "detail": b.detail,
        "state": b.state,
    }


async def _keep(
    session: AsyncSession, run_id: uuid.UUID, day: date, findings: list[Finding]
) -> None:
    if not findings:
        return
    unique = {f.key: f for f in findings}
    rows = [
        {
            "id": uuid7(), "key": key, "run_date": day, "type": f.type.value,
            "source": f.source.value, "bank": f.bank[:50], "amount": f.amount,
            "currency": f.currency,
            "reference": f.reference[:200], "detail": f.detail[:500],
            "state": BreakState.OPEN.value, "first_run_id": run_id, "last_run_id": run_id,
        }
        for key, f in unique.items()
    ]  # fmt: skip
    resolved = ReconBreak.state == BreakState.RESOLVED.value
    for start in range(0, len(rows), KEEP_BATCH):
        stmt = insert(ReconBreak).values(rows[start : start + KEEP_BATCH])
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "amount": stmt.excluded.amount,
                    "detail": stmt.excluded.detail,
                    "last_run_id": run_id,
                    "state": case((resolved, ReconBreak.state), else_=BreakState.OPEN.value),
                    "cleared_at": None,
                },
            )
        )


async def _clear(session: AsyncSession, day: date, found: set[str], now: datetime) -> None:
    """The day's open breaks this run did not find; and a snapshot's (obligations: what is owed
    now, whatever the day) found by an earlier run of any day."""
    snapshot = ReconBreak.type == BreakType.OBLIGATION_MISMATCH.value
    await session.execute(
        update(ReconBreak)
        .where(
            or_(ReconBreak.run_date == day, snapshot),
            ReconBreak.state == BreakState.OPEN.value,
            ~one_of(ReconBreak.key, sorted(found)) if found else ReconBreak.key.is_not(None),
        )
        .values(state=BreakState.CLEARED.value, cleared_at=now)
    )


async def run_recon(
    session: AsyncSession, *, day: date, now: datetime, requested_by: str,
    alarm: BreakAlarm | None = None, obligations_of: Collection[uuid.UUID] | None = None,
) -> RunResult:  # fmt: skip
    """Reconcile ``day`` in the caller's transaction; with ``alarm``, a break above its type's
    threshold trips the payouts' circuit breaker. Obligations are checked for every customer;
    ``obligations_of`` scopes them to some (tests on a shared database; none: not checked)."""
    run_id = uuid7()
    matched, findings = await reconcile_bank(session, day)
    debits, debit_findings = await reconcile_bank_debits(session, day)
    findings += debit_findings
    balances, balance_findings = await reconcile_bank_balances(session, day)
    findings += balance_findings
    openings, opening_findings = await reconcile_openings(session, day)
    findings += opening_findings
    chain, chain_findings = await reconcile_chain(session, day, now)
    findings += chain_findings
    obligations, obligation_findings = await reconcile_obligations(
        session, customers=obligations_of
    )
    findings += obligation_findings
    found = {f.key for f in findings}
    await _keep(session, run_id, day, findings)
    await _clear(session, day, found, now)
    breaks = list(
        (
            await session.scalars(
                select(ReconBreak)
                .where(one_of(ReconBreak.key, sorted(found)))
                .order_by(ReconBreak.type, ReconBreak.reference)
            )
        ).all()
    ) if found else []  # fmt: skip
    summary = {
        "bank": matched.as_dict(),
        "bank_debits": debits.as_dict(),
        "bank_balances": balances.as_dict(),
        "bank_openings": openings.as_dict(),
        "chain": chain.as_dict(),
        "obligations": obligations.as_dict(),
    }
    if alarm is not None:
        await sound(session, alarm, breaks, now=now, actor=requested_by)
    open_breaks = sum(b.state == BreakState.OPEN.value for b in breaks)
    session.add(
        ReconRun(
            id=run_id, run_date=day, started_at=now, finished_at=now, matched=summary,
            open_breaks=open_breaks, requested_by=requested_by[:100],
        )
    )  # fmt: skip
    await record(
        session,
        actor=requested_by,
        action="recon.run",
        entity_type="recon_run",
        entity_id=str(run_id),
        data={"date": day.isoformat(), "matched": summary, "open_breaks": open_breaks},
    )
    return RunResult(run_id=run_id, day=day, matched=summary, breaks=breaks)


async def break_backlog(session: AsyncSession) -> list[Backlog]:
    """Open breaks by type, and since when the oldest was first found."""
    types = [t.value for t in BreakType]
    open_ = ReconBreak.state == BreakState.OPEN.value
    return await backlog_of(session, ReconBreak.type, ReconBreak.created_at, types, where=open_)


@dataclass(frozen=True)
class OpenAmount:
    """The open breaks of one currency: how many, their amounts summed regardless of sign
    (a break of -5 is as wrong as one of +5), and the largest (minor units)."""

    currency: str
    count: int
    total: int
    largest: int


async def open_break_amounts(session: AsyncSession) -> list[OpenAmount]:
    """Open breaks per currency with their amounts: what the amount alert reads."""
    size = func.abs(ReconBreak.amount)
    rows = await session.execute(
        select(ReconBreak.currency, func.count(), func.sum(size), func.max(size))
        .where(ReconBreak.state == BreakState.OPEN.value)
        .group_by(ReconBreak.currency)
        .order_by(ReconBreak.currency)
    )
    return [OpenAmount(c, int(n), int(total), int(top)) for c, n, total, top in rows]
