"""Deciding a case: release the held orders, reject them for a refund, or file a SAR. Each
needs a reason, closes the case, and is audited with it, together with what it did to the
orders, in one transaction. A release whose held amount is above the four-eyes threshold
becomes an approval request, executed when a second, different officer approves it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal, allowed
from onramp.compliance import (
    CaseDecisionPending,
    ComplianceCase,
    check_open,
    close_case,
    get_case,
    held_order_ids,
)
from onramp.compliance import assign_case as cases_assign
from onramp.core.audit import record
from onramp.core.errors import Conflict, InvalidInput
from onramp.core.money import Money
from onramp.core.settings import ComplianceSettings
from onramp.fx import FxDesk
from onramp.identity import (
    ApprovalAction,
    ApprovalStatus,
    get_approval_request,
    register_approval_action,
    request_approval,
    role_of,
)
from onramp.kyc import held_cases, reject_held, release_holds
from onramp.orders import HeldOrder, held_orders, release_held
from onramp.orders import reject_held as review_reject_held

RELEASE = "compliance.release_case"
Decision = Literal["release", "reject_refund", "file_sar"]
SarOrders = Literal["block", "reject_refund"]


class AssigneeNotOfficer(InvalidInput):
    code = "assignee_not_officer"
    title = "Cases are assigned to compliance officers"


class CaseChanged(Conflict):
    code = "compliance_case_changed"
    title = "The case's held orders changed since the release was requested; reject and re-request"


@dataclass(frozen=True)
class Outcome:
    case: ComplianceCase
    status: Literal["decided", "pending_approval"]
    approval_id: uuid.UUID | None = None
    orders: list[uuid.UUID] = field(default_factory=list)


def held_eur(desk: FxDesk, amounts: Iterable[Money]) -> Decimal:
    """What the held orders are worth in EUR at today's reference rate."""
    return sum((desk.eur_equivalent(m) for m in amounts), Decimal(0))


def needs_four_eyes(amount_eur: Decimal, threshold_eur: Decimal) -> bool:
    return amount_eur > threshold_eur


async def assign_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    assignee_id: uuid.UUID | None,
    officer: Principal,
) -> ComplianceCase:
    if assignee_id is not None:
        role = await role_of(session, user_id=assignee_id)
        if role is None or not allowed(role, Permission.COMPLIANCE_CASES):
            raise AssigneeNotOfficer()
    return await cases_assign(
        session, case_id=case_id, assignee_id=assignee_id, actor=f"user:{officer.user_id}"
    )


async def _open_case(session: AsyncSession, case_id: uuid.UUID) -> ComplianceCase:
    """The case, locked, when it may take a decision now."""
    case = await get_case(session, case_id, for_update=True)
    check_open(case)
    if case.pending_approval_id is not None:
        pending = await get_approval_request(session, case.pending_approval_id)
        if pending is not None and pending.status == ApprovalStatus.PENDING.value:
            raise CaseDecisionPending(f"approval request {pending.id}")
    return case


async def _in_review(session: AsyncSession, case: ComplianceCase) -> list[HeldOrder]:
    order_ids = await held_order_ids(session, case.id)
    return [h for h in await held_orders(session, order_ids) if h.state == "manual_review"]


async def decide_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    decision: Decision,
    reason: str,
    officer: Principal,
    desk: FxDesk,
    settings: ComplianceSettings,
    sar_orders: SarOrders = "block",
    review_period_days: int = 365,
    now: datetime,
) -> Outcome:
    case = await _open_case(session, case_id)
    held = await _in_review(session, case)
    order_ids = [h.order_id for h in held]
    actor = f"user:{officer.user_id}"
    # A held KYC case (a business owner on a sanctions list) is released only by two officers,
    # whatever money waits.
    holds_kyc = bool(await held_cases(session, case.customer_id))
    if decision == "release":
        amount = held_eur(desk, [h.source for h in held])
        if holds_kyc or needs_four_eyes(amount, settings.release_four_eyes_eur):
            return await _request_release(session, case, held, amount, reason, officer, now)
        released = await release_held(session, order_ids, desk=desk, actor=actor, reason=reason)
        data: dict[str, Any] = {"orders": _ids(released), "held_eur": str(amount)}
        await close_case(
            session, case, decision=decision, reason=reason, actor=actor, data=data, now=now
        )
        return Outcome(case, "decided", orders=released)
    moved: list[uuid.UUID] = []
    if decision == "reject_refund" or sar_orders == "reject_refund":
        moved = await review_reject_held(
            session, order_ids, actor=actor, reason=reason, case_id=case.id
        )
    data = {"orders": _ids(moved or order_ids)}
    if decision == "reject_refund" and holds_kyc:
        rejected = await reject_held(session, case.customer_id, actor=actor, reason=reason, now=now)
        data["kyc_cases_rejected"] = _ids(rejected)
    if decision == "file_sar":
        # Blocked orders stay in manual_review: the funds stay frozen while the FIU looks.
        data["orders_disposition"] = "refund_pending" if moved else "blocked"
    await close_case(
        session, case, decision=decision, reason=reason, actor=actor, data=data, now=now
    )
    return Outcome(case, "decided", orders=moved or order_ids)


def _ids(ids: Iterable[uuid.UUID]) -> list[str]:
    return [str(i) for i in ids]


async def _request_release(
    session: AsyncSession,
    case: ComplianceCase,
    held: list[HeldOrder],
    amount: Decimal,
    reason: str,
    officer: Principal,
    now: datetime,
) -> Outcome:
    payload = {
        "case_id": str(case.id),
        "reason": reason,
        "held_eur": str(amount),
        "orders": _ids(h.order_id for h in held),
        "requested_by": str(officer.user_id),
    }
    request = await request_approval(
        session, action=RELEASE, payload=payload, requester=officer, reason=reason, now=now
    )
    case.pending_approval_id = request.id
    await record(
        session,
        actor=f"user:{officer.user_id}",
        action="compliance.case_release_requested",
        entity_type="compliance_case",
        entity_id=str(case.id),
        data={"approval_id": str(request.id), **payload},
    )
    await session.flush()
    return Outcome(case, "pending_approval", approval_id=request.id)


async def _execute_release(
    session: AsyncSession,
    payload: dict[str, Any],
    now: datetime,
    *,
    desk: FxDesk,
    review_period_days: int,
) -> dict[str, Any]:
    """The approved release, in the approver's transaction (``approvals.decide``)."""
    case = await get_case(session, uuid.UUID(payload["case_id"]), for_update=True)
    check_open(case)
    held = await _in_review(session, case)
    if sorted(_ids(h.order_id for h in held)) != sorted(payload["orders"]):
        raise CaseChanged()
    approval = (
        None
        if case.pending_approval_id is None
        else await get_approval_request(session, case.pending_approval_id)
    )
    approver = None if approval is None else approval.decided_by
    actor = f"user:{payload['requested_by']}"
    released = await release_held(
        session,
        [h.order_id for h in held],
        desk=desk,
        actor=f"user:{approver}" if approver else actor,
        reason=payload["reason"],
    )
    kyc_released = await release_holds(
        session,
        case.customer_id,
        actor=f"user:{approver}" if approver else actor,
        reason=payload["reason"],
        now=now,
        review_period_days=review_period_days,
    )
    data = {
        "orders": _ids(released),
        "kyc_cases_released": _ids(kyc_released),
        "held_eur": payload["held_eur"],
        "approval_id": None if approval is None else str(approval.id),
        "approved_by": None if approver is None else str(approver),
    }
    await close_case(
        session,
        case,
        decision="release",
        reason=payload["reason"],
        actor=actor,
        data=data,
        now=now,
    )
    return {"case_id": str(case.id), "decision": "release", "orders": data["orders"]}


def register_release_approval(desk: FxDesk, *, review_period_days: int = 365) -> None:
    """Make the four-eyes release executable in this process (the API registers it at start,
    with its desk: the approved release prices as the saga does; a released KYC case gets the
    configured review period)."""
    register_approval_action(
        ApprovalAction(
            name=RELEASE,
            permission=Permission.COMPLIANCE_CASES,
            execute=partial(_execute_release, desk=desk, review_period_days=review_period_days),
        )
    )
