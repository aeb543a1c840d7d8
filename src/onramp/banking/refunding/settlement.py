"""The operator's way out of a refund the bank never answered (``refund_unanswered``).

A refund whose sends went unanswered (no answer, a timeout, a 5xx) is never failed by the
worker: the bank may have paid it. It stays ``requested`` and is asked again for ever. Once an
operator has the bank's word on it, they settle it by hand, with four eyes
(``identity.staff.approvals``): one staff member with ``refunds:manage`` asks, with a reason, a
different one approves, and the settlement runs in the approver's transaction:

- confirm sent: the bank confirms it paid the refund. It is booked as paid (``refund_paid``:
  Dr ``transit:refunds`` / Cr ``bank:<bank>``), ``completed``, as if the bank had answered.
- mark failed: the bank confirms the money never left. It fails as a refusal fails it
  (``refund_reversal``: Dr ``transit:refunds`` / Cr the holding account), and the deposit may
  be refunded again.

Only a stuck refund is settled: ``requested`` with at least one send tried (what
``refund_unanswered`` counts); anything else is ``refund_not_stuck``. The check is made under
the refund's row lock, the lock the refunds worker holds while it asks the bank: a late answer
and the approval are ordered by it. Whichever commits first wins; the other finds the refund
no longer stuck and changes nothing (the worker only picks ``requested`` refunds; a statement
booking completes only ``sent`` ones). One request per refund waits at a time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal
from onramp.banking.errors import RefundNotFound, RefundNotStuck, RefundSettlementPending
from onramp.banking.refund_models import Refund, RefundStatus
from onramp.banking.refunding.sender import book_paid, fail_refund
from onramp.identity import (
    ApprovalAction,
    ApprovalNotFound,
    ApprovalRequest,
    FourEyesViolation,
    being_decided,
    decide_approval,
    get_approval_request,
    pending_for,
    register_approval_action,
    request_approval,
)

SETTLE_ACTION = "banking.settle_refund"


class Settlement(StrEnum):
    CONFIRM_SENT = "confirm_sent"  # the bank paid it: book it as paid
    MARK_FAILED = "mark_failed"  # the money never left: fail it, credit the money back


@dataclass(frozen=True)
class SettlementRequested:
    """A settlement waiting for its second pair of eyes."""

    approval_id: uuid.UUID
    refund_id: uuid.UUID
    settlement: Settlement
    requested_at: datetime


def is_stuck(refund: Refund) -> bool:
    """Still ``requested`` although a send was tried: the bank has not taken it."""
    return refund.status == RefundStatus.REQUESTED.value and refund.attempts > 0


async def _stuck(session: AsyncSession, refund_id: uuid.UUID) -> Refund:
    """The refund, locked, if it is stuck (read afresh: the worker may have just moved it)."""
    refund = await session.get(Refund, refund_id, with_for_update=True, populate_existing=True)
    if refund is None:
        raise RefundNotFound()
    if not is_stuck(refund):
        raise RefundNotStuck(
            f"the refund is {refund.status} after {refund.attempts} send(s)",
            status=refund.status,
        )
    return refund


async def request_settlement(
    session: AsyncSession,
    *,
    refund_id: uuid.UUID,
    settlement: Settlement,
    requester: Principal,
    reason: str,
    now: datetime,
    via: str | None = None,
) -> SettlementRequested:
    """The first pair of eyes: a pending request that a different person with
    ``refunds:manage`` approves (``/v1/approvals/{id}/approve``). ``via``: the operating-system
    account of a request made on the command line (``cli:<user>``), which may not approve it."""
    refund = await _stuck(session, refund_id)
    # The refund is locked: a concurrent request for it waits here and then sees this one.
    subject = {"refund_id": str(refund.id)}
    pending = await pending_for(session, actions=[SETTLE_ACTION], subject=subject)
    if pending is not None:
        raise RefundSettlementPending(f"request {pending.id}")
    row = await request_approval(
        session,
        action=SETTLE_ACTION,
        payload={
            **subject,
            "settlement": settlement.value,
            "reason": reason,
            "requested_by": str(requester.user_id),
            "attempts": refund.attempts,
            "last_error": refund.last_error,
            "via": via,
        },
        requester=requester,
        reason=reason,
        now=now,
    )
    return SettlementRequested(row.id, refund.id, settlement, row.requested_at)


async def _execute(session: AsyncSession, payload: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The approved settlement, in the approver's transaction; refused (nothing changes, the
    approval stays pending) if the bank answered since the request."""
    refund = await _stuck(session, uuid.UUID(payload["refund_id"]))
    settlement = Settlement(payload["settlement"])
    decision = await being_decided(session, action=SETTLE_ACTION, payload=payload)
    approver = None if decision is None else decision.decided_by
    actor = f"user:{approver or payload['requested_by']}"
    why = f"settled by operators (four-eyes): {payload['reason']}"[:300]
    extra = {
        "settlement": settlement.value,
        "settled_because": payload["reason"],
        "approval_id": None if decision is None else str(decision.id),
        "requested_by": payload["requested_by"],
        "approved_by": None if approver is None else str(approver),
        "approver_note": None if decision is None else decision.reason,
    }
    if settlement is Settlement.CONFIRM_SENT:
        await book_paid(session, refund, now=now, actor=actor, **extra)
    else:
        await fail_refund(session, refund, error=why, now=now, actor=actor, **extra)
    return {"refund_id": str(refund.id), "status": refund.status}


async def decide_settlement(
    session: AsyncSession,
    *,
    approval_id: uuid.UUID,
    approver: Principal,
    approve: bool,
    reason: str | None,
    via: str,
    now: datetime,
) -> ApprovalRequest:
    """The second pair of eyes on the command line (``onramp bank refunds approve``): only a
    settlement's request, never one asked for from the same operating-system account."""
    row = await get_approval_request(session, approval_id)
    if row is None or row.action != SETTLE_ACTION:
        raise ApprovalNotFound(f"no refund settlement request {approval_id}")
    if row.payload.get("via") == via:
        raise FourEyesViolation(f"{via} asked for it")
    return await decide_approval(
        session, request_id=approval_id, approver=approver, approve=approve, reason=reason, now=now
    )


def register_settlement_approval() -> None:
    """Make the four-eyes settlement executable in this process (the API registers it)."""
    register_approval_action(
        ApprovalAction(name=SETTLE_ACTION, permission=Permission.REFUNDS_MANAGE, execute=_execute)
    )
