"""Deactivating an account (staff who left, a compromised login): at once, by one admin, since
it only takes power away; every session is revoked and no sign-in, session or API key of the
account works from the next request on. Reactivating gives power back, so it is four-eyes (one
admin proposes, another approves), like a role change."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal
from onramp.core.audit import record
from onramp.core.errors import Conflict
from onramp.identity.models import ApprovalRequest, User
from onramp.identity.sessions.service import revoke_all
from onramp.identity.staff.approvals import ApprovalAction, register, request_approval
from onramp.identity.staff.roles import UserNotFound

REACTIVATE = "identity.reactivate_user"


class CannotDeactivateSelf(Conflict):
    code = "cannot_deactivate_self"
    title = "An admin cannot deactivate their own account; ask another admin"


class AccountNotDeactivated(Conflict):
    code = "account_not_deactivated"
    title = "The account is active"


async def deactivate(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    admin: Principal,
    reason: str | None,
    now: datetime,
) -> User:
    """Deactivate the account now (again: nothing changes) and revoke its sessions."""
    if user_id == admin.user_id:
        raise CannotDeactivateSelf()
    user = await session.get(User, user_id, with_for_update=True)
    if user is None:
        raise UserNotFound()
    if user.deactivated_at is not None:
        return user
    user.deactivated_at = now
    await revoke_all(session, user_id=user.id, reason="deactivated", now=now)
    await record(
        session,
        actor=f"user:{admin.user_id}",
        action="auth.user_deactivated",
        entity_type="user",
        entity_id=str(user.id),
        data={"role": user.role, "reason": reason},
    )
    return user


async def _reactivate(
    session: AsyncSession, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    user = await session.get(User, uuid.UUID(payload["user_id"]), with_for_update=True)
    if user is None:
        raise UserNotFound()
    if user.deactivated_at is None:
        raise AccountNotDeactivated()
    since, user.deactivated_at = user.deactivated_at, None
    await record(
        session,
        actor="system:approvals",
        action="auth.user_reactivated",
        entity_type="user",
        entity_id=str(user.id),
        data={"deactivated_at": since.isoformat()},
    )
    return {"user_id": str(user.id), "role": user.role}


register(ApprovalAction(name=REACTIVATE, permission=Permission.USERS_MANAGE, execute=_reactivate))


async def propose_reactivation(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    requester: Principal,
    reason: str | None,
    now: datetime,
) -> ApprovalRequest:
    user = await session.get(User, user_id)
    if user is None:
        raise UserNotFound()
    if user.deactivated_at is None:
        raise AccountNotDeactivated()
    return await request_approval(
        session,
        action=REACTIVATE,
        payload={"user_id": str(user_id)},
        requester=requester,
        reason=reason,
        now=now,
    )
