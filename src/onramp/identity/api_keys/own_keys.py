"""A person's own API keys as ``/v1/me/api-keys`` and the web's page manage them: creating and
rotating need a second factor proved in this session lately, revoking never does (stopping a
leaked key must be quick)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Principal, require_recent_mfa
from onramp.core.paging import EVERY_ROW, PageQuery
from onramp.core.settings import Settings
from onramp.identity.api_keys import service as api_keys
from onramp.identity.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut
from onramp.identity.models import ApiKey
from onramp.identity.security_events import API_KEY_CREATED, API_KEY_REVOKED, announce


def key_status(key: ApiKey, now: datetime) -> str:
    if key.revoked_at is not None:
        return "rotating" if key.revoked_at > now else "revoked"
    return "active" if api_keys.is_active(key, now) else "expired"


def key_out(key: ApiKey, now: datetime) -> ApiKeyOut:
    return ApiKeyOut(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        scopes=key.scopes,
        status=key_status(key, now),
        created_at=key.created_at,
        expires_at=key.expires_at,
        last_used_at=key.last_used_at,
        last_used_ip=key.last_used_ip,
        revoked_at=key.revoked_at,
        revoked_reason=key.revoked_reason,
        rotated_from=key.rotated_from,
    )


async def _step_up(
    session: AsyncSession, principal: Principal, settings: Settings, now: datetime
) -> None:
    await require_recent_mfa(
        session,
        user_id=principal.user_id,
        mfa_at=principal.mfa_at,
        now=now,
        max_age=timedelta(seconds=settings.auth.step_up_max_age_seconds),
    )


async def own_keys(
    session: AsyncSession,
    *,
    principal: Principal,
    now: datetime,
    page: PageQuery = EVERY_ROW,
    state: api_keys.KeyState | None = None,
) -> list[ApiKeyOut]:
    rows = await api_keys.list_keys(
        session, user_id=principal.user_id, page=page, state=state, now=now
    )
    return [key_out(k, now) for k in rows]


async def create_own_key(
    session: AsyncSession,
    *,
    principal: Principal,
    body: ApiKeyCreate,
    settings: Settings,
    now: datetime,
) -> ApiKeyCreated:
    """The key with its secret, which is shown this once."""
    await _step_up(session, principal, settings, now)
    key, secret = await api_keys.create_key(
        session,
        owner_id=principal.user_id,
        role=principal.role,
        name=body.name,
        scopes=body.scopes,
        expires_at=body.expires_at,
        policy=api_keys.KeyPolicy.from_settings(settings.api_keys),
        now=now,
    )
    await announce(session, API_KEY_CREATED, principal.user_id, name=key.name, prefix=key.prefix)
    return ApiKeyCreated(**key_out(key, now).model_dump(), key=secret)


async def rotate_own_key(
    session: AsyncSession,
    *,
    principal: Principal,
    key_id: uuid.UUID,
    grace: timedelta,
    expires_at: datetime | None,
    settings: Settings,
    now: datetime,
) -> ApiKeyCreated:
    """The successor key with its secret (shown this once); the old one stops after ``grace``."""
    await _step_up(session, principal, settings, now)
    key, secret = await api_keys.rotate_key(
        session,
        user_id=principal.user_id,
        role=principal.role,
        key_id=key_id,
        grace=grace,
        expires_at=expires_at,
        policy=api_keys.KeyPolicy.from_settings(settings.api_keys),
        now=now,
    )
    return ApiKeyCreated(**key_out(key, now).model_dump(), key=secret)


async def revoke_own_key(
    session: AsyncSession, *, principal: Principal, key_id: uuid.UUID, now: datetime
) -> None:
    key = await api_keys.revoke_key(session, user_id=principal.user_id, key_id=key_id, now=now)
    if key is not None:  # revoked now, not before: its owner is told once
        await announce(
            session, API_KEY_REVOKED, principal.user_id, name=key.name, prefix=key.prefix
        )
