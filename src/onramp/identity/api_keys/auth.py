"""Authenticating with an API key: the key itself, or a client-credentials token bound to one.

Both look the key up (one indexed read joined to its owner) unless the API process's credential
cache (``auth.lookup_cache``) holds the answer; a change to the key or its owner drops that at
once, so revoking a key, rotating it past its grace period, changing the owner's role or erasing
the owner takes effect on the next request — as logout does for sessions. ``last_used_at`` is
written at most once per ``last_used_resolution``, not on every request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.auth import delegable
from onramp.core.audit import record
from onramp.core.db import unit_of_work
from onramp.core.logging import get_logger
from onramp.identity.api_keys import format as api_key_format
from onramp.identity.api_keys.service import KeyHolder, KeyPolicy, is_active
from onramp.identity.errors import InvalidApiKey
from onramp.identity.models import ApiKey, User

log = get_logger(__name__)


@dataclass(frozen=True)
class _Found:
    key: ApiKey
    role: str
    owner_erased: bool
    owner_deactivated: bool


async def _find(
    session: AsyncSession, *, prefix: str | None = None, key_id: uuid.UUID | None = None
) -> _Found | None:
    query = select(ApiKey, User.role, User.erased_at, User.deactivated_at).join(
        User, User.id == ApiKey.user_id
    )
    query = query.where(ApiKey.prefix == prefix) if prefix else query.where(ApiKey.id == key_id)
    row = (await session.execute(query)).first()
    if row is None:
        return None
    return _Found(
        key=row[0],
        role=row[1],
        owner_erased=row[2] is not None,
        owner_deactivated=row[3] is not None,
    )


def _refusal(found: _Found, now: datetime) -> str | None:
    """Why a known key may not be used now, or None."""
    if found.owner_erased:
        return "owner_erased"
    if found.owner_deactivated:
        return "owner_deactivated"
    if found.key.revoked_at is not None and found.key.revoked_at <= now:
        return found.key.revoked_reason or "revoked"
    if not is_active(found.key, now):
        return "expired"
    return None


async def touch(
    session: AsyncSession,
    *,
    key_id: uuid.UUID,
    last_used_at: datetime | None,
    ip: str,
    now: datetime,
    policy: KeyPolicy,
) -> bool:
    """Mark the key used, at most once per ``last_used_resolution``; True if it was written."""
    if last_used_at is not None and now - last_used_at < policy.last_used_resolution:
        return False
    await session.execute(
        update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=now, last_used_ip=ip[:64])
    )
    return True


async def _touch(
    session: AsyncSession, *, key: ApiKey, ip: str, now: datetime, policy: KeyPolicy
) -> datetime | None:
    """When the key was last marked used, after this use."""
    written = await touch(
        session, key_id=key.id, last_used_at=key.last_used_at, ip=ip, now=now, policy=policy
    )
    return now if written else key.last_used_at


def _holder(found: _Found) -> KeyHolder:
    key = found.key
    return KeyHolder(
        key_id=key.id,
        prefix=key.prefix,
        user_id=key.user_id,
        role=found.role,
        # The owner's current role bounds the key: a demotion narrows it at once.
        scopes=frozenset(key.scopes) & delegable(found.role),
        expires_at=key.expires_at,
        ends_at=min((t for t in (key.expires_at, key.revoked_at) if t is not None), default=None),
    )


async def record_failure(
    sessions: async_sessionmaker[AsyncSession], *, key: ApiKey, reason: str, ip: str
) -> None:
    """In a transaction of its own: the request that failed rolls back, the record stays."""
    async with unit_of_work(sessions) as session:
        await record(
            session,
            actor=f"api_key:{key.id}",
            action="auth.api_key_failed",
            entity_type="user",
            entity_id=str(key.user_id),
            data={"key_id": str(key.id), "prefix": key.prefix, "reason": reason, "ip": ip},
        )


async def authenticate(
    session: AsyncSession,
    *,
    key: str,
    ip: str,
    now: datetime,
    policy: KeyPolicy,
    sessions: async_sessionmaker[AsyncSession],
) -> KeyHolder:
    """The holder of a full key. Unknown, wrong, expired and revoked keys all raise the same
    InvalidApiKey; failures on a known key are audited (unknown ones only logged, as for
    unknown emails, so nobody can fill the audit log with noise)."""
    prefix = api_key_format.prefix_of(key, policy.environment)
    found = await _find(session, prefix=prefix) if prefix else None
    if found is None:
        log.info("auth.api_key_unknown", ip=ip)
        raise InvalidApiKey()
    reason = None if api_key_format.matches(key, found.key.secret_hash) else "wrong_secret"
    reason = reason or _refusal(found, now)
    if reason is not None:
        await record_failure(sessions, key=found.key, reason=reason, ip=ip)
        raise InvalidApiKey()
    used = await _touch(session, key=found.key, ip=ip, now=now, policy=policy)
    return replace(_holder(found), last_used_at=used)


async def active_holder(
    session: AsyncSession, *, key_id: uuid.UUID, ip: str, now: datetime, policy: KeyPolicy
) -> KeyHolder | None:
    """For a client-credentials token: its key if that still works, else None."""
    found = await _find(session, key_id=key_id)
    if found is None or _refusal(found, now) is not None:
        return None
    used = await _touch(session, key=found.key, ip=ip, now=now, policy=policy)
    return replace(_holder(found), last_used_at=used)
