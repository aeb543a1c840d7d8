"""Changing a user's role: a four-eyes action (one admin proposes, another approves)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal, Role
from onramp.core.audit import record
from onramp.core.errors import InvalidInput, NotFound
from onramp.identity.models import ApprovalRequest, AuthSession, User
from onramp.identity.staff.approvals import ApprovalAction, register, request_approval

CHANGE_ROLE = "identity.change_role"


class UserNotFound(NotFound):
    code = "user_not_found"
    title = "User not found"


class InvalidRole(InvalidInput):
    code = "role_invalid"
    title = "No such role"


def role_change_payload(user_id: uuid.UUID, role: str) -> dict[str, Any]:
    try:
        return {"user_id": str(user_id), "role": Role(role).value}
    except ValueError:
        raise InvalidRole(f"roles are {', '.join(r.value for r in Role)}") from None


async def _change_role(
    session: AsyncSession, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    user = await session.get(User, uuid.UUID(payload["user_id"]), with_for_update=True)
    if user is None:
        raise UserNotFound()
    before, user.role = user.role, payload["role"]
    # Roles travel in access tokens: end the user's sessions so the new role applies at once.
    await session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason="role_changed")
    )
    await record(
        session,
        actor="system:approvals",
        action="auth.role_changed",
        entity_type="user",
        entity_id=str(user.id),
        data={"from": before, "to": user.role},
    )
    return {"user_id": str(user.id), "from": before, "to": user.role}


register(ApprovalAction(name=CHANGE_ROLE, permission=Permission.USERS_MANAGE, execute=_change_role))


async def propose_role_change(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    role: str,
    requester: Principal,
    reason: str | None,
    now: datetime,
) -> ApprovalRequest:
    payload = role_change_payload(user_id, role)
    if await session.get(User, user_id) is None:
        raise UserNotFound()
    return await request_approval(
        session, action=CHANGE_ROLE, payload=payload, requester=requester, reason=reason, now=now
    )
