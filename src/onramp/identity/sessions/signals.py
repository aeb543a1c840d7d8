"""Fraud signals noted on each new session, for the compliance rules to weigh later:
a device or address the user never used, many accounts behind one address, a burst of failed
logins just before."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.identity.models import AuthSession, LoginThrottle
from onramp.identity.sessions.lockout import account_key

SHARED_IP_ACCOUNTS = 3  # distinct users from one IP within a day
FAILED_LOGINS = 3  # failures on the account within the lockout window


async def session_signals(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    email: str,
    ip: str,
    user_agent: str,
    now: datetime,
) -> list[str]:
    earlier = select(AuthSession).where(AuthSession.user_id == user_id)
    signals: list[str] = []
    if await session.scalar(select(func.count()).select_from(earlier.subquery())):
        if not await session.scalar(
            select(func.count()).select_from(earlier.where(AuthSession.ip == ip).subquery())
        ):
            signals.append("new_ip")
        if not await session.scalar(
            select(func.count()).select_from(
                earlier.where(AuthSession.user_agent == user_agent[:300]).subquery()
            )
        ):
            signals.append("new_device")
    others = await session.scalar(
        select(func.count(distinct(AuthSession.user_id))).where(
            AuthSession.ip == ip,
            AuthSession.user_id != user_id,
            AuthSession.created_at > now - timedelta(days=1),
        )
    )
    if (others or 0) + 1 >= SHARED_IP_ACCOUNTS:
        signals.append("many_accounts_from_ip")
    failures = await session.scalar(
        select(LoginThrottle.failures).where(
            LoginThrottle.scope == "account", LoginThrottle.key == account_key(email)
        )
    )
    if (failures or 0) >= FAILED_LOGINS:
        signals.append("failed_login_velocity")
    return signals
