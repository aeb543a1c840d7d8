"""Login sessions: rotating refresh tokens with reuse detection, logout, listing, revocation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.auth import new_refresh_token, refresh_token_hash
from onramp.core.audit import record
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.paging import EVERY_ROW, PageQuery
from onramp.identity.errors import (
    InvalidRefreshToken,
    RefreshTokenReused,
    RefreshTokenSuperseded,
    SessionNotFound,
)
from onramp.identity.models import AuthSession, RefreshToken, User
from onramp.identity.security_events import NEW_DEVICE_LOGIN, announce
from onramp.identity.sessions.signals import session_signals


@dataclass(frozen=True)
class Client:
    """Where a request came from, as far as the edge can tell."""

    ip: str
    user_agent: str


async def start_session(
    session: AsyncSession,
    *,
    user: User,
    client: Client,
    now: datetime,
    ttl: timedelta,
    mfa: bool = False,
) -> tuple[AuthSession, str]:
    risk = await session_signals(
        session,
        user_id=user.id,
        email=user.email,
        ip=client.ip,
        user_agent=client.user_agent,
        now=now,
    )
    auth = AuthSession(
        id=uuid7(),
        risk_signals=risk,
        user_id=user.id,
        created_at=now,
        last_used_at=now,
        expires_at=now + ttl,
        ip=client.ip[:64],
        user_agent=client.user_agent[:300],
        mfa_at=now if mfa else None,
    )
    session.add(auth)
    token = new_refresh_token()
    session.add(
        RefreshToken(token_hash=refresh_token_hash(token), session_id=auth.id, issued_at=now)
    )
    await record(
        session,
        actor=f"user:{user.id}",
        action="auth.login_succeeded",
        entity_type="user",
        entity_id=str(user.id),
        data={"session_id": str(auth.id), "ip": auth.ip, "risk_signals": risk},
    )
    if "new_device" in risk:
        await announce(session, NEW_DEVICE_LOGIN, user.id, device=auth.user_agent[:120], ip=auth.ip)
    await session.flush()
    return auth, token


async def rotate(
    session: AsyncSession, *, token: str, now: datetime, grace: timedelta = timedelta(0)
) -> tuple[User, AuthSession, str]:
    """Exchange a refresh token for a new one. A token used within ``grace`` raises
    RefreshTokenSuperseded (a concurrent renewal: nothing is revoked); used before that,
    RefreshTokenReused (the caller then revokes the session in a transaction of its own, see
    ``revoke_family``)."""
    digest = refresh_token_hash(token)
    seen = await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == digest))
    if seen is not None and seen.used_at is not None:
        if now - seen.used_at <= grace:
            raise RefreshTokenSuperseded()
        # Detected before taking any row lock, so the caller can revoke the session elsewhere.
        raise RefreshTokenReused(session_id=seen.session_id)
    stored = await session.get(RefreshToken, digest, with_for_update=True, populate_existing=True)
    if stored is None:
        raise InvalidRefreshToken()
    auth = await session.get(AuthSession, stored.session_id, with_for_update=True)
    if auth is None or auth.revoked_at is not None or auth.expires_at <= now:
        raise InvalidRefreshToken()
    if stored.used_at is not None:
        # Used by a concurrent request between the check above and the lock: that one wins.
        # (Revoking here would wait on the locks this transaction holds.)
        raise RefreshTokenSuperseded()
    user = await session.get(User, auth.user_id)
    if user is None or not user.may_sign_in:
        raise InvalidRefreshToken()
    stored.used_at = now
    auth.last_used_at = now
    fresh = new_refresh_token()
    session.add(
        RefreshToken(token_hash=refresh_token_hash(fresh), session_id=auth.id, issued_at=now)
    )
    await session.flush()
    return user, auth, fresh


async def revoke(
    session: AsyncSession,
    *,
    session_id: uuid.UUID,
    user_id: uuid.UUID | None,
    reason: str,
    now: datetime,
) -> None:
    """Revoke a session; ``user_id`` restricts it to its owner (another's is not found)."""
    auth = await session.get(AuthSession, session_id, with_for_update=True)
    if auth is None or (user_id is not None and auth.user_id != user_id):
        raise SessionNotFound()
    if auth.revoked_at is None:
        auth.revoked_at = now
        auth.revoked_reason = reason
        await record(
            session,
            actor=f"user:{user_id}" if user_id else "system:identity",
            action="auth.session_revoked",
            entity_type="user",
            entity_id=str(auth.user_id),
            data={"session_id": str(session_id), "reason": reason},
        )
    await session.flush()


async def revoke_all(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    reason: str,
    now: datetime,
    keep: uuid.UUID | None = None,
) -> int:
    """Revoke every open session of the user but ``keep``; how many were open."""
    query = (
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
        .returning(AuthSession.id)
    )
    if keep is not None:
        query = query.where(AuthSession.id != keep)
    revoked = list((await session.scalars(query)).all())
    await record(
        session,
        actor=f"user:{user_id}",
        action="auth.sessions_revoked",
        entity_type="user",
        entity_id=str(user_id),
        data={"reason": reason, "sessions": [str(s) for s in revoked]},
    )
    return len(revoked)


async def revoke_family(
    sessions: async_sessionmaker[AsyncSession], *, session_id: uuid.UUID, now: datetime
) -> None:
    """After refresh-token reuse: revoke in a transaction of its own, so the revocation stands
    although the request that discovered it fails."""
    async with unit_of_work(sessions) as session:
        await revoke(
            session, session_id=session_id, user_id=None, reason="refresh_token_reused", now=now
        )


@dataclass(frozen=True)
class ActiveSession:
    """An open login session and, read with it, its owner's current role: what authorises a
    request (never the role a token claims)."""

    user_id: uuid.UUID
    role: str
    mfa_at: datetime | None
    expires_at: datetime | None = None  # when it stops letting anyone in by time alone


async def active_session(
    session: AsyncSession, *, session_id: uuid.UUID, now: datetime
) -> ActiveSession | None:
    """The session if it is open and its owner may still sign in, else None."""
    found = await session.execute(
        select(
            AuthSession.user_id,
            AuthSession.revoked_at,
            AuthSession.expires_at,
            AuthSession.mfa_at,
            User.role,
            User.erased_at,
            User.deactivated_at,
        )
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.id == session_id)
    )
    row = found.first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if row.erased_at is not None or row.deactivated_at is not None:
        return None
    return ActiveSession(
        user_id=row.user_id, role=row.role, mfa_at=row.mfa_at, expires_at=row.expires_at
    )


async def mark_mfa(session: AsyncSession, *, session_id: uuid.UUID, now: datetime) -> None:
    auth = await session.get(AuthSession, session_id, with_for_update=True)
    assert auth is not None
    auth.mfa_at = now
    await session.flush()


class SessionState(StrEnum):
    """A list's filter: ``open`` (neither signed out nor expired at ``now``), ``ended``."""

    OPEN = "open"
    ENDED = "ended"


async def list_sessions(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    page: PageQuery = EVERY_ROW,
    state: SessionState | None = None,
    now: datetime | None = None,
) -> list[AuthSession]:
    """The user's sessions, newest first (a page of them, or every one); with ``state``, only
    those open or ended at ``now``."""
    query = select(AuthSession).where(AuthSession.user_id == user_id)
    if state is not None:
        if now is None:
            raise ValueError("a session state is read at a time: pass now")
        is_open = (AuthSession.revoked_at.is_(None)) & (AuthSession.expires_at > now)
        query = query.where(is_open if state is SessionState.OPEN else ~is_open)
    rows = await session.scalars(page.apply(query, AuthSession.id))
    return list(rows.all())
