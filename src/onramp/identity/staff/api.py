"""Staff routes of identity: four-eyes approvals, role changes that go through them,
deactivation, and the staff list."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

from onramp.auth import Permission, Principal, require
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep
from onramp.identity.models import ApprovalRequest, User
from onramp.identity.staff import approvals, deactivation, directory, roles

approvals_router = APIRouter(prefix="/v1/approvals", tags=["approvals"])
admin_router = APIRouter(prefix="/v1/admin", tags=["admin"])


class ApprovalOut(BaseModel):
    id: uuid.UUID
    action: str
    payload: dict[str, Any]
    status: str
    requested_by: uuid.UUID
    requested_at: datetime
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    reason: str | None
    result: dict[str, Any] | None


class ApprovalList(BaseModel):
    data: list[ApprovalOut]


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text | None = Field(default=None, max_length=500)


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Text = Field(
        max_length=40,
        description="customer, support, compliance_officer, treasurer, auditor, admin",
    )
    reason: Text | None = Field(default=None, max_length=500)


def _out(row: ApprovalRequest) -> ApprovalOut:
    return ApprovalOut.model_validate(row, from_attributes=True)


@admin_router.post(
    "/users/{user_id}/role",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Propose a role change; another admin must approve it",
    responses={404: {"description": "user_not_found"}, 422: {"description": "role_invalid"}},
)
async def propose_role(
    user_id: uuid.UUID,
    body: RoleChange,
    principal: Annotated[Principal, require(Permission.USERS_MANAGE)],
    session: SessionDep,
    clock: ClockDep,
) -> ApprovalOut:
    row = await roles.propose_role_change(
        session,
        user_id=user_id,
        role=body.role,
        requester=principal,
        reason=body.reason,
        now=clock.now(),
    )
    return _out(row)


@approvals_router.get(
    "",
    summary="Approval requests, newest first; or those waiting for the caller's decision",
    description="`waiting_for_me=true`: the pending requests the caller may approve or reject "
    "(someone else's, for an action the caller's role may do), oldest first. Auditors read "
    "every request (`approvals:read`) and decide none.",
)
async def list_approvals(
    principal: Annotated[Principal, require(Permission.APPROVALS_READ)],
    session: SessionDep,
    status: Annotated[Text | None, Query(max_length=20)] = None,
    waiting_for_me: bool = False,
    before: Annotated[
        uuid.UUID | None, Query(description="The last id of the page seen: the next 200")
    ] = None,
) -> ApprovalList:
    if waiting_for_me:
        rows = await approvals.waiting_for(session, principal)
    else:
        rows = await approvals.list_requests(session, status=status, before=before)
    return ApprovalList(data=[_out(r) for r in rows])


@approvals_router.post(
    "/{request_id}/{verdict}",
    summary="Approve (the action is executed now) or reject someone else's request",
    responses={
        403: {"description": "four_eyes_violation, permission_denied"},
        404: {"description": "approval_not_found"},
        409: {"description": "approval_already_decided"},
    },
)
async def decide(
    request_id: uuid.UUID,
    verdict: Literal["approve", "reject"],
    body: Decision,
    principal: Annotated[Principal, require(Permission.APPROVALS_DECIDE)],
    session: SessionDep,
    clock: ClockDep,
) -> ApprovalOut:
    row = await approvals.decide(
        session,
        request_id=request_id,
        approver=principal,
        approve=verdict == "approve",
        reason=body.reason,
        now=clock.now(),
    )
    return _out(row)


class AccountAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text | None = Field(default=None, max_length=500)


class DeactivatedOut(BaseModel):
    user_id: uuid.UUID
    deactivated_at: datetime


@admin_router.post(
    "/users/{user_id}/deactivate",
    summary="Deactivate an account now: its sessions end, its API keys stop working",
    responses={
        404: {"description": "user_not_found"},
        409: {"description": "cannot_deactivate_self"},
    },
)
async def deactivate_user(
    user_id: uuid.UUID,
    body: AccountAction,
    principal: Annotated[Principal, require(Permission.USERS_MANAGE)],
    session: SessionDep,
    clock: ClockDep,
) -> DeactivatedOut:
    user = await deactivation.deactivate(
        session, user_id=user_id, admin=principal, reason=body.reason, now=clock.now()
    )
    assert user.deactivated_at is not None
    return DeactivatedOut(user_id=user.id, deactivated_at=user.deactivated_at)


@admin_router.post(
    "/users/{user_id}/reactivate",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Propose reactivating an account; another admin must approve it",
    responses={
        404: {"description": "user_not_found"},
        409: {"description": "account_not_deactivated"},
    },
)
async def propose_reactivation(
    user_id: uuid.UUID,
    body: AccountAction,
    principal: Annotated[Principal, require(Permission.USERS_MANAGE)],
    session: SessionDep,
    clock: ClockDep,
) -> ApprovalOut:
    row = await deactivation.propose_reactivation(
        session, user_id=user_id, requester=principal, reason=body.reason, now=clock.now()
    )
    return _out(row)


class StaffOut(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    role: str
    created_at: datetime
    mfa_enabled: bool = Field(description="Whether a second factor is enrolled")
    deactivated_at: datetime | None


class StaffPage(BaseModel):
    data: list[StaffOut]
    next_before: uuid.UUID | None = Field(description="Pass as `before` for the next page")


def staff_out(user: User, *, mfa_enabled: bool) -> StaffOut:
    return StaffOut(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        created_at=user.created_at,
        mfa_enabled=mfa_enabled,
        deactivated_at=user.deactivated_at,
    )


@admin_router.get(
    "/users",
    summary="Staff accounts (every role but customer), newest first",
    responses={422: {"description": "role_invalid"}},
)
async def list_staff(
    principal: Annotated[Principal, require(Permission.USERS_READ)],
    session: SessionDep,
    role: Annotated[Text | None, Query(max_length=40)] = None,
    status: directory.StaffStatus | None = None,
    before: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> StaffPage:
    users = await directory.list_staff(
        session, role=role, status=status, limit=limit, before=before
    )
    enrolled = await directory.with_second_factor(session, [u.id for u in users])
    return StaffPage(
        data=[staff_out(u, mfa_enabled=u.id in enrolled) for u in users],
        next_before=users[-1].id if len(users) == limit else None,
    )
