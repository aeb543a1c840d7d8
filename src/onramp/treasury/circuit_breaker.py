"""The payouts' circuit breaker: tripped by an anomaly (or by hand), it stops every payout, and
the risk worker pauses the vault on-chain; only two different staff members together resume it.

States: ``closed`` -> ``open`` (``trip``) -> ``resuming`` (a resume request approved by a second
person, through the four-eyes approvals of ``identity``) -> ``closed`` (the chain says the vault
is unpaused: the risk worker's unpause mined, or whoever paused it unpaused it). While not
closed the payout gate signs nothing: in ``resuming`` too, since a payout signed against a
still-paused vault would fail. Every change is audited and announced.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal
from onramp.core.audit import record
from onramp.core.clock import utcnow
from onramp.core.errors import Conflict
from onramp.core.events import subject_for
from onramp.core.logging import get_logger
from onramp.core.outbox import emit
from onramp.identity import (
    ApprovalAction,
    ApprovalNotFound,
    ApprovalRequest,
    decide_approval,
    get_approval_request,
    pending_for,
    register_approval_action,
    request_approval,
)
from onramp.treasury.risk_models import BreakerState, CircuitBreaker

log = get_logger(__name__)

SOURCE = "onramp/treasury"
BREAKER_OPENED = subject_for("treasury", "circuit_breaker_opened")
BREAKER_CLOSED = subject_for("treasury", "circuit_breaker_closed")
RESUME_ACTION = "treasury.circuit_breaker.resume"
ENTITY = ("circuit_breaker", "payouts")


class BreakerNotOpen(Conflict):
    code = "circuit_breaker_not_open"
    title = "The circuit breaker is not open: there is nothing to resume"


class ResumeOutdated(Conflict):
    code = "circuit_breaker_resume_outdated"
    title = "The breaker tripped again after this resume was requested; request it again"


async def current_state(session: AsyncSession, *, lock: bool = False) -> CircuitBreaker:
    """The breaker's row. The payout gate reads it with a share lock, so a trip waits for a
    batch being signed and no batch is signed after a trip commits."""
    query = select(CircuitBreaker).where(CircuitBreaker.id == 1)
    query = query.with_for_update() if lock else query.with_for_update(read=True)
    row = await session.scalar(query)
    if row is None:  # the migration inserts it; a missing row is a broken install
        raise RuntimeError("treasury_circuit_breaker has no row: run the migrations")
    return row


async def _audit(session: AsyncSession, actor: str, action: str, data: dict[str, Any]) -> None:
    await record(
        session, actor=actor, action=action, entity_type=ENTITY[0], entity_id=ENTITY[1], data=data
    )


async def trip(
    session: AsyncSession,
    reason: str,
    evidence: dict[str, Any],
    *,
    trigger: str = "reconciliation_break",
    actor: str = "system:treasury",
    now: datetime | None = None,
) -> CircuitBreaker:
    """Open the breaker (reconciliation calls this on a break above its threshold). Already
    open: the first reason stands and this one is only audited. Resuming: open again."""
    now = now or utcnow()
    row = await current_state(session, lock=True)
    data = {"reason": reason[:300], "trigger": trigger, "evidence": evidence}
    if row.state == BreakerState.OPEN.value:
        await _audit(session, actor, "treasury.circuit_breaker.tripped_again", data)
        return row
    row.state = BreakerState.OPEN.value
    row.reason, row.trigger, row.evidence = reason[:300], trigger, evidence
    row.opened_by, row.opened_at, row.updated_at = actor, now, now
    row.resume_approval_id, row.resumed_by = None, None
    await _audit(session, actor, "treasury.circuit_breaker.opened", data)
    await emit(
        session,
        BREAKER_OPENED,
        {**data, "opened_by": actor, "opened_at": now.isoformat()},
        source=SOURCE,
        entity_id=ENTITY[1],
    )
    await session.flush()
    log.error("risk.breaker_opened", trigger=trigger, reason=reason[:300])
    return row


async def request_resume(
    session: AsyncSession, *, requester: Principal, reason: str, now: datetime
) -> uuid.UUID:
    """The first pair of eyes: a pending request (its id) a different person must approve."""
    row = await current_state(session, lock=True)
    if row.state != BreakerState.OPEN.value:
        raise BreakerNotOpen(f"the breaker is {row.state}")
    assert row.opened_at is not None
    pending = await request_approval(
        session,
        action=RESUME_ACTION,
        payload={"opened_at": row.opened_at.isoformat(), "trigger": row.trigger},
        requester=requester,
        reason=reason,
        now=now,
    )
    return pending.id


async def pending_resume(session: AsyncSession, row: CircuitBreaker) -> ApprovalRequest | None:
    """The resume request waiting for its second person, for the breaker's present opening."""
    if row.state != BreakerState.OPEN.value or row.opened_at is None:
        return None
    return await pending_for(
        session, actions=[RESUME_ACTION], subject={"opened_at": row.opened_at.isoformat()}
    )


async def _execute_resume(
    session: AsyncSession, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Run in the approver's transaction: the breaker goes to ``resuming``; the risk worker
    unpauses the vault and closes it."""
    row = await current_state(session, lock=True)
    if row.state != BreakerState.OPEN.value:
        raise BreakerNotOpen(f"the breaker is {row.state}")
    assert row.opened_at is not None
    if row.opened_at.isoformat() != payload["opened_at"]:
        raise ResumeOutdated(f"opened again at {row.opened_at.isoformat()}")
    row.state, row.updated_at = BreakerState.RESUMING.value, now
    await _audit(
        session, "system:treasury", "treasury.circuit_breaker.resuming", {"payload": payload}
    )
    return {"state": row.state}


def register_resume_approval() -> None:
    """Make the four-eyes resume executable in this process (the API registers it at start)."""
    register_approval_action(
        ApprovalAction(
            name=RESUME_ACTION, permission=Permission.TREASURY_RISK_MANAGE, execute=_execute_resume
        )
    )


async def approve_resume(
    session: AsyncSession,
    *,
    request_id: uuid.UUID,
    approver: Principal,
    reason: str | None,
    now: datetime,
) -> CircuitBreaker:
    """The second pair of eyes (``four_eyes_violation`` if it is the requester's own)."""
    pending = await get_approval_request(session, request_id)
    if pending is None or pending.action != RESUME_ACTION:
        raise ApprovalNotFound()
    decided = await decide_approval(
        session, request_id=request_id, approver=approver, approve=True, reason=reason, now=now
    )
    row = await current_state(session, lock=True)
    row.resume_approval_id = decided.id
    row.resumed_by = f"user:{approver.user_id}"
    await session.flush()
    return row


async def close(session: AsyncSession, *, now: datetime, vault_tx: str | None) -> bool:
    """The vault is unpaused: a resuming breaker closes and payouts flow (False: it was
    tripped again meanwhile, and stays open)."""
    row = await current_state(session, lock=True)
    if row.state != BreakerState.RESUMING.value:
        return False
    row.state, row.closed_at, row.updated_at = BreakerState.CLOSED.value, now, now
    row.vault_paused, row.vault_paused_elsewhere = False, False
    data = {
        "resumed_by": row.resumed_by,
        "approval_id": str(row.resume_approval_id) if row.resume_approval_id else None,
        "unpause_tx": vault_tx,
    }
    await _audit(session, "system:treasury", "treasury.circuit_breaker.closed", data)
    await emit(session, BREAKER_CLOSED, data, source=SOURCE, entity_id=ENTITY[1])
    log.warning("risk.breaker_closed", **data)
    return True


async def mark_vault_paused(session: AsyncSession, *, tx_hash: str, now: datetime) -> None:
    """The breaker's own pause is mined and in force."""
    row = await current_state(session, lock=True)
    row.vault_paused, row.vault_paused_elsewhere, row.updated_at = True, False, now
    await _audit(
        session, "system:treasury", "treasury.vault_paused", {"tx_hash": tx_hash, "at": str(now)}
    )


async def mark_vault_unpaused(session: AsyncSession, *, now: datetime) -> None:
    """The breaker's pause is no longer in force (undone by someone else while still open)."""
    row = await current_state(session, lock=True)
    row.vault_paused, row.updated_at = False, now
    await _audit(session, "system:treasury", "treasury.vault_unpaused", {"at": str(now)})
    log.warning("risk.vault_unpaused_under_the_breaker", state=row.state)


async def mark_paused_elsewhere(session: AsyncSession, *, paused: bool, now: datetime) -> None:
    """The vault is (or no longer is) paused by someone other than the breaker (the admin
    Safe): payouts wait for it, and the breaker neither claims nor undoes that pause."""
    row = await current_state(session, lock=True)
    row.vault_paused_elsewhere, row.updated_at = paused, now
    action = "treasury.vault_paused_elsewhere" if paused else "treasury.vault_unpaused_elsewhere"
    await _audit(session, "system:treasury", action, {"state": row.state, "at": str(now)})
    log.warning("risk.vault_paused_elsewhere", paused=paused, state=row.state)


async def record_switch(
    session: AsyncSession, *, call: str, tx_id: uuid.UUID, tx_hash: str, now: datetime
) -> None:
    """Point at the guardian's pause or unpause, stored in this same transaction before it is
    sent: the breaker knows its own switch by it, whatever happens after."""
    row = await current_state(session, lock=True)
    if call == "pause":
        row.pause_tx_id, row.unpause_tx_id = tx_id, None
    else:
        row.unpause_tx_id = tx_id
    row.updated_at = now
    await _audit(session, "system:treasury", f"treasury.vault_{call}_signed", {"tx_hash": tx_hash})
