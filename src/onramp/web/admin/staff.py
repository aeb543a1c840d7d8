"""Staff and their roles (``/admin/staff``): the staff list filtered by role and status, a page
at a time and as CSV (``users:read``: admins and auditors); an admin proposes a role change or a
reactivation (four eyes: another admin approves it on ``/admin/approvals``) and deactivates an
account at once (``users:manage``). The same services as ``/v1/admin/users/...``."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from onramp.auth import Permission, Principal, Role, require
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep
from onramp.identity import (
    STAFF_ROLES,
    StaffStatus,
    deactivate_user,
    list_staff,
    propose_reactivation,
    propose_role_change,
    with_second_factor,
)
from onramp.web.csv_export import csv_download
from onramp.web.rendering import render

router = APIRouter(prefix="/admin/staff", include_in_schema=False)
Reader = Annotated[Principal, require(Permission.USERS_READ)]
Manager = Annotated[Principal, require(Permission.USERS_MANAGE)]
PAGE_SIZE = 50
RoleQuery = Annotated[Text | None, Query(max_length=40)]
StatusQuery = Literal["", "active", "deactivated"]  # empty: both
Reason = Annotated[Text | None, Form(max_length=500)]
# What a done action says on the list (a fixed text per outcome, never what was posted).
NOTICES = {
    "role_proposed": "Role change proposed: another admin approves it under Approvals.",
    "deactivated": "Account deactivated: its sessions ended and its API keys stopped working.",
    "reactivation_proposed": "Reactivation proposed: another admin approves it under Approvals.",
}


def _status(typed: str) -> StaffStatus | None:
    return StaffStatus(typed) if typed else None


@router.get("")
async def staff_list(
    request: Request,
    principal: Reader,
    session: SessionDep,
    role: RoleQuery = None,
    status: StatusQuery = "",
    before: uuid.UUID | None = None,
    notice: Annotated[Text | None, Query(max_length=40)] = None,
) -> Response:
    users = await list_staff(
        session, role=role, status=_status(status), limit=PAGE_SIZE, before=before
    )
    return render(
        request,
        "admin/staff.html",
        principal=principal,
        users=users,
        enrolled=await with_second_factor(session, [u.id for u in users]),
        roles=STAFF_ROLES,
        all_roles=[r.value for r in Role],
        role=role or "",
        status=status,
        next_before=users[-1].id if len(users) == PAGE_SIZE else None,
        first_page=before is None,
        notice=NOTICES.get(notice or ""),
    )


@router.get(".csv")
async def staff_csv(
    principal: Reader, session: SessionDep, role: RoleQuery = None, status: StatusQuery = ""
) -> Response:
    users = await list_staff(session, role=role, status=_status(status), limit=10_000)
    enrolled = await with_second_factor(session, [u.id for u in users])
    return csv_download(
        "staff.csv",
        ("id", "email", "full_name", "role", "second_factor", "created_at", "deactivated_at"),
        (
            (
                u.id,
                u.email,
                u.full_name,
                u.role,
                "yes" if u.id in enrolled else "no",
                u.created_at.isoformat(),
                u.deactivated_at.isoformat() if u.deactivated_at else "",
            )
            for u in users
        ),
    )


def _done(notice: str) -> RedirectResponse:
    return RedirectResponse(f"/admin/staff?notice={notice}", status_code=303)


@router.post("/{user_id}/role")
async def change_role(
    user_id: uuid.UUID,
    principal: Manager,
    session: SessionDep,
    clock: ClockDep,
    role: Annotated[Text, Form(max_length=40)],
    reason: Reason = None,
) -> RedirectResponse:
    await propose_role_change(
        session,
        user_id=user_id,
        role=role,
        requester=principal,
        reason=reason or None,
        now=clock.now(),
    )
    return _done("role_proposed")


@router.post("/{user_id}/deactivate")
async def deactivate(
    user_id: uuid.UUID,
    principal: Manager,
    session: SessionDep,
    clock: ClockDep,
    reason: Reason = None,
) -> RedirectResponse:
    await deactivate_user(
        session, user_id=user_id, admin=principal, reason=reason or None, now=clock.now()
    )
    return _done("deactivated")


@router.post("/{user_id}/reactivate")
async def reactivate(
    user_id: uuid.UUID,
    principal: Manager,
    session: SessionDep,
    clock: ClockDep,
    reason: Reason = None,
) -> RedirectResponse:
    await propose_reactivation(
        session, user_id=user_id, requester=principal, reason=reason or None, now=clock.now()
    )
    return _done("reactivation_proposed")
