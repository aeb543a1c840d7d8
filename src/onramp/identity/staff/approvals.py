"""Four eyes: an action that needs approval is stored as a pending request and executed only
when a second, different person who holds the action's permission approves it.

Domains register their actions (``register``); the request, the decision and the execution are
each audited, and the execution happens in the approver's transaction, so an approved action
either fully happens or the approval does not stand.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal, allowed
from onramp.core.audit import record
from onramp.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onramp.core.ids import uuid7
from onramp.identity.errors import PermissionDenied
from onramp.identity.models import ApprovalRequest

Execute = Callable[[AsyncSession, dict[str, Any], datetime], Awaitable[dict[str, Any]]]


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ApprovalNotFound(NotFound):
    code = "approval_not_found"
    title = "Approval request not found"


class ApprovalAlreadyDecided(Conflict):
    code = "approval_already_decided"
    title = "This request was already approved or rejected"


class FourEyesViolation(Forbidden):
    code = "four_eyes_violation"
    title = "A request must be decided by someone other than who made it"


class UnknownApprovalAction(InvalidInput):
    code = "approval_action_unknown"
    title = "No such action needs approval"


@dataclass(frozen=True)
class ApprovalAction:
    name: str
    permission: Permission  # needed both to request it and to approve it
    execute: Execute


ACTIONS: dict[str, ApprovalAction] = {}


def register(action: ApprovalAction) -> ApprovalAction:
    ACTIONS[action.name] = action
    return action


def _action(name: str) -> ApprovalAction:
    try:
        return ACTIONS[name]
    except KeyError:
        raise UnknownApprovalAction(name) from None


async def request_approval(
    session: AsyncSession,
    *,
    action: str,
    payload: dict[str, Any],
    requester: Principal,
    reason: str | None,
    now: datetime,
) -> ApprovalRequest:
    spec = _action(action)
    if not allowed(requester.role, spec.permission):
        raise PermissionDenied(f"{spec.permission} is not granted to {requester.role}")
    row = ApprovalRequest(
        id=uuid7(),
        action=action,
        payload=payload,
        status=ApprovalStatus.PENDING.value,
        requested_by=requester.user_id,
        requested_at=now,
        reason=reason,
    )
    session.add(row)
    await record(
        session,
        actor=f"user:{requester.user_id}",
        action="approval.requested",
        entity_type="approval",
        entity_id=str(row.id),
        data={"action": action, "payload": payload, "reason": reason},
    )
    await session.flush()
    return row


async def decide(
    session: AsyncSession,
    *,
    request_id: uuid.UUID,
    approver: Principal,
    approve: bool,
    reason: str | None,
    now: datetime,
) -> ApprovalRequest:
    row = await session.get(ApprovalRequest, request_id, with_for_update=True)
    if row is None:
        raise ApprovalNotFound()
    if row.status != ApprovalStatus.PENDING.value:
        raise ApprovalAlreadyDecided()
    if row.requested_by == approver.user_id:
        raise FourEyesViolation()
    spec = _action(row.action)
    if not allowed(approver.role, spec.permission):
        raise PermissionDenied(f"{spec.permission} is not granted to {approver.role}")
    row.decided_by, row.decided_at, row.reason = approver.user_id, now, reason or row.reason
    if approve:
        row.result = await spec.execute(session, dict(row.payload), now)
        row.status = ApprovalStatus.APPROVED.value
    else:
        row.status = ApprovalStatus.REJECTED.value
    await record(
        session,
        actor=f"user:{approver.user_id}",
        action=f"approval.{row.status}",
        entity_type="approval",
        entity_id=str(row.id),
        data={"action": row.action, "result": row.result, "reason": reason},
    )
    await session.flush()
    return row


async def get_request(session: AsyncSession, request_id: uuid.UUID) -> ApprovalRequest | None:
    return await session.get(ApprovalRequest, request_id)


async def list_requests(
    session: AsyncSession,
    *,
    status: str | None,
    limit: int = 200,
    before: uuid.UUID | None = None,
) -> list[ApprovalRequest]:
    """Newest first; ``before``: the last id of the page seen (ids are time-ordered)."""
    query = select(ApprovalRequest).order_by(ApprovalRequest.id.desc()).limit(limit)
    if status:
        query = query.where(ApprovalRequest.status == status)
    if before is not None:
        query = query.where(ApprovalRequest.id < before)
    return list((await session.scalars(query)).all())


def may_decide(row: ApprovalRequest, person: Principal) -> bool:
    """Whether ``person`` may approve or reject the pending request ``row`` (what ``decide``
    checks before anything else): someone else's request, for an action their role may do."""
    spec = ACTIONS.get(row.action)
    return (
        row.status == ApprovalStatus.PENDING.value
        and row.requested_by != person.user_id
        and spec is not None
        and allowed(person.role, spec.permission)
        and allowed(person.role, Permission.APPROVALS_DECIDE)
    )


async def waiting_for(session: AsyncSession, person: Principal) -> list[ApprovalRequest]:
    """The pending requests ``person`` may decide, oldest first (the longest waiting on top)."""
    rows = await session.scalars(
        select(ApprovalRequest)
        .where(ApprovalRequest.status == ApprovalStatus.PENDING.value)
        .order_by(ApprovalRequest.id)
        .limit(200)
    )
    return [row for row in rows if may_decide(row, person)]


async def pending_for(
    session: AsyncSession, *, actions: Sequence[str], subject: dict[str, Any]
) -> ApprovalRequest | None:
    """A pending request of one of ``actions`` whose payload contains ``subject`` (e.g. an
    order id): a domain that allows one open request per thing at a time asks this first."""
    return await session.scalar(
        select(ApprovalRequest)
        .where(
            ApprovalRequest.action.in_(actions),
            ApprovalRequest.status == ApprovalStatus.PENDING.value,
            ApprovalRequest.payload.contains(subject),
        )
        .order_by(ApprovalRequest.id)
        .limit(1)
    )


async def being_decided(
    session: AsyncSession, *, action: str, payload: dict[str, Any]
) -> ApprovalRequest | None:
    """The request whose approved action is executing now, in this transaction (``decide``
    names its approver before it runs the action): for an action that records who approved
    it. Unambiguous when the domain keeps one pending request per payload (``pending_for``)."""
    await session.flush()  # the decision is not yet written (sessions do not autoflush)
    return await session.scalar(
        select(ApprovalRequest)
        .where(
            ApprovalRequest.action == action,
            ApprovalRequest.status == ApprovalStatus.PENDING.value,
            ApprovalRequest.decided_by.is_not(None),
            ApprovalRequest.payload.contains(payload),
        )
        .order_by(ApprovalRequest.id)
        .limit(1)
    )
