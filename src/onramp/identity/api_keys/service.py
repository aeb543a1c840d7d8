"""API keys of corporate clients (and staff): create, list, rotate, revoke. (Authenticating
with one is ``api_key_auth``; the key's format and hash are ``api_key_format``.)

A key belongs to a user and carries scopes: delegable permissions of the owner's role
(``permissions.delegable``). On every use the scopes are intersected with the owner's *current*
role, so a role change narrows the owner's keys at once; an erased owner's keys stop working.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import delegable
from onramp.core.audit import record
from onramp.core.ids import uuid7
from onramp.core.paging import EVERY_ROW, PageQuery
from onramp.core.settings import ApiKeySettings
from onramp.identity.api_keys import format as api_key_format
from onramp.identity.errors import (
    ApiKeyExpiryInvalid,
    ApiKeyInactive,
    ApiKeyNotFound,
    ApiKeyScopeNotAllowed,
    RotationGraceTooLong,
)
from onramp.identity.models import ApiKey


@dataclass(frozen=True)
class KeyPolicy:
    environment: str
    max_ttl: timedelta
    max_grace: timedelta
    token_ttl: timedelta
    last_used_resolution: timedelta

    @classmethod
    def from_settings(cls, settings: ApiKeySettings) -> KeyPolicy:
        return cls(
            environment=settings.environment,
            max_ttl=timedelta(days=settings.max_ttl_days),
            max_grace=timedelta(seconds=settings.max_rotation_grace_seconds),
            token_ttl=timedelta(seconds=settings.token_ttl_seconds),
            last_used_resolution=timedelta(seconds=settings.last_used_resolution_seconds),
        )


@dataclass(frozen=True)
class KeyHolder:
    """An API key that authenticated: whose it is and what it may do right now."""

    key_id: uuid.UUID
    prefix: str
    user_id: uuid.UUID
    role: str
    scopes: frozenset[str]
    expires_at: datetime | None
    # What a cached answer needs: when the key stops working by time alone (its expiry or a
    # rotation's grace period), and when it was last marked used.
    ends_at: datetime | None = None
    last_used_at: datetime | None = None


def is_active(key: ApiKey, now: datetime) -> bool:
    return (key.revoked_at is None or key.revoked_at > now) and (
        key.expires_at is None or key.expires_at > now
    )


def check_scopes(role: str, requested: Iterable[str]) -> list[str]:
    """The requested scopes, sorted, if the role may delegate every one of them."""
    wanted = set(requested)
    refused = sorted(wanted - delegable(role))
    if refused:
        raise ApiKeyScopeNotAllowed(
            f"not delegable by {role}: {', '.join(refused)}; allowed: "
            f"{', '.join(sorted(delegable(role))) or 'none'}"
        )
    return sorted(wanted)


def _expiry(requested: datetime | None, *, policy: KeyPolicy, now: datetime) -> datetime:
    latest = now + policy.max_ttl
    if requested is None:
        return latest
    if requested <= now or requested > latest:
        raise ApiKeyExpiryInvalid(f"expires_at must lie after now and by {latest.isoformat()}")
    return requested


async def _insert(
    session: AsyncSession,
    *,
    owner_id: uuid.UUID,
    name: str,
    scopes: list[str],
    expires_at: datetime,
    rotated_from: uuid.UUID | None,
    policy: KeyPolicy,
    now: datetime,
) -> tuple[ApiKey, str]:
    material = api_key_format.new_key(policy.environment)
    key = ApiKey(
        id=uuid7(),
        user_id=owner_id,
        name=name,
        prefix=material.prefix,
        secret_hash=material.secret_hash,
        scopes=scopes,
        created_at=now,
        expires_at=expires_at,
        rotated_from=rotated_from,
    )
    session.add(key)
    await session.flush()
    return key, material.key


def _described(key: ApiKey) -> dict[str, object]:
    """What the audit log keeps about a key: never its secret or hash."""
    return {
        "key_id": str(key.id),
        "prefix": key.prefix,
        "name": key.name,
        "scopes": key.scopes,
        "expires_at": key.expires_at.isoformat() if key.expires_at else None,
    }


async def create_key(
    session: AsyncSession,
    *,
    owner_id: uuid.UUID,
    role: str,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime | None,
    policy: KeyPolicy,
    now: datetime,
) -> tuple[ApiKey, str]:
    """A new key and its full secret (to show once)."""
    key, secret = await _insert(
        session,
        owner_id=owner_id,
        name=name,
        scopes=check_scopes(role, scopes),
        expires_at=_expiry(expires_at, policy=policy, now=now),
        rotated_from=None,
        policy=policy,
        now=now,
    )
    await record(
        session,
        actor=f"user:{owner_id}",
        action="api_key.created",
        entity_type="user",
        entity_id=str(owner_id),
        data=_described(key),
    )
    return key, secret


class KeyState(StrEnum):
    """A list's filter, as ``is_active`` reads a key at ``now`` (a rotated key is active until
    its overlap ends)."""

    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"


def _in_state(state: KeyState, now: datetime) -> ColumnElement[bool]:
    not_revoked = ApiKey.revoked_at.is_(None) | (ApiKey.revoked_at > now)
    if state is KeyState.REVOKED:
        return ~not_revoked
    not_expired = ApiKey.expires_at.is_(None) | (ApiKey.expires_at > now)
    return not_revoked & (not_expired if state is KeyState.ACTIVE else ~not_expired)


async def list_keys(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    page: PageQuery = EVERY_ROW,
    state: KeyState | None = None,
    now: datetime | None = None,
) -> list[ApiKey]:
    """The user's keys, newest first; with ``state``, only those in it at ``now``."""
    query = select(ApiKey).where(ApiKey.user_id == user_id)
    if state is not None:
        if now is None:
            raise ValueError("a key's state is read at a time: pass now")
        query = query.where(_in_state(state, now))
    rows = await session.scalars(page.apply(query, ApiKey.id))
    return list(rows.all())


async def get_key(
    session: AsyncSession, *, user_id: uuid.UUID, key_id: uuid.UUID, lock: bool = False
) -> ApiKey:
    """The user's key; another user's key is not found (no hint that it exists)."""
    key = await session.get(ApiKey, key_id, with_for_update=lock)
    if key is None or key.user_id != user_id:
        raise ApiKeyNotFound()
    return key


async def rotate_key(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    role: str,
    key_id: uuid.UUID,
    grace: timedelta,
    expires_at: datetime | None,
    policy: KeyPolicy,
    now: datetime,
) -> tuple[ApiKey, str]:
    """A successor with the same name and scopes and a new secret; the old key stops working
    after ``grace`` (0: at once), so a fleet of clients can switch over without an outage."""
    if grace > policy.max_grace:
        raise RotationGraceTooLong(f"at most {int(policy.max_grace.total_seconds())} seconds")
    old = await get_key(session, user_id=user_id, key_id=key_id, lock=True)
    if old.revoked_at is not None or not is_active(old, now):
        raise ApiKeyInactive()
    new, secret = await _insert(
        session,
        owner_id=user_id,
        name=old.name,
        scopes=check_scopes(role, old.scopes),
        expires_at=_expiry(expires_at, policy=policy, now=now),
        rotated_from=old.id,
        policy=policy,
        now=now,
    )
    old.revoked_at, old.revoked_reason = now + grace, "rotated"
    await record(
        session,
        actor=f"user:{user_id}",
        action="api_key.rotated",
        entity_type="user",
        entity_id=str(user_id),
        data={
            **_described(new),
            "rotated_from": str(old.id),
            "old_prefix": old.prefix,
            "old_key_stops_at": old.revoked_at.isoformat(),
        },
    )
    await session.flush()
    return new, secret


async def revoke_key(
    session: AsyncSession, *, user_id: uuid.UUID, key_id: uuid.UUID, now: datetime
) -> ApiKey | None:
    """Stop the key now (also one in its rotation grace period), with every token it got; the
    key if this call stopped it, None if it had stopped already."""
    key = await get_key(session, user_id=user_id, key_id=key_id, lock=True)
    stopped = key.revoked_at is None or key.revoked_at > now
    if stopped:
        key.revoked_at, key.revoked_reason = now, "revoked"
        await record(
            session,
            actor=f"user:{user_id}",
            action="api_key.revoked",
            entity_type="user",
            entity_id=str(user_id),
            data={"key_id": str(key.id), "prefix": key.prefix},
        )
    await session.flush()
    return key if stopped else None
