"""``/v1/me/api-keys``: a user's API keys. Creating and rotating need a fresh second factor."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Response, status

from onramp.auth import Permission, Principal, require, require_recent_mfa
from onramp.core.settings import Settings
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.identity.api_keys import service as api_keys
from onramp.identity.api_keys.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyList,
    ApiKeyOut,
    ApiKeyRotate,
)
from onramp.identity.models import ApiKey

router = APIRouter(prefix="/v1/me/api-keys", tags=["api keys"])

Manager = Annotated[Principal, require(Permission.API_KEYS_MANAGE_OWN)]

_STEP_UP: dict[int | str, dict[str, Any]] = {
    403: {
        "description": "step_up_required, mfa_enrollment_required, api_key_scope_not_allowed, "
        "permission_denied, insufficient_scope (API keys cannot manage keys)"
    }
}


def _status(key: ApiKey, now: datetime) -> str:
    if key.revoked_at is not None:
        return "rotating" if key.revoked_at > now else "revoked"
    return "active" if api_keys.is_active(key, now) else "expired"


def _out(key: ApiKey, now: datetime) -> ApiKeyOut:
    return ApiKeyOut(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        scopes=key.scopes,
        status=_status(key, now),
        created_at=key.created_at,
        expires_at=key.expires_at,
        last_used_at=key.last_used_at,
        last_used_ip=key.last_used_ip,
        revoked_at=key.revoked_at,
        revoked_reason=key.revoked_reason,
        rotated_from=key.rotated_from,
    )


def _created(key: ApiKey, secret: str, now: datetime) -> ApiKeyCreated:
    return ApiKeyCreated(**_out(key, now).model_dump(), key=secret)


async def _step_up(
    session: SessionDep, principal: Principal, settings: Settings, now: datetime
) -> None:
    await require_recent_mfa(
        session,
        user_id=principal.user_id,
        mfa_at=principal.mfa_at,
        now=now,
        max_age=timedelta(seconds=settings.auth.step_up_max_age_seconds),
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create an API key; its secret is in this response only",
    description="Needs a second factor proved in this session within "
    "ONRAMP_AUTH__STEP_UP_MAX_AGE_SECONDS (POST /v1/auth/step-up). Scopes must be delegable "
    "permissions of your role.",
    responses={**_STEP_UP, 422: {"description": "api_key_expiry_invalid, request_invalid"}},
)
async def create_api_key(
    body: ApiKeyCreate,
    principal: Manager,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> ApiKeyCreated:
    now = clock.now()
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
    return _created(key, secret, now)


@router.get("", summary="The caller's API keys (prefixes only, never secrets), newest first")
async def list_api_keys(principal: Manager, session: SessionDep, clock: ClockDep) -> ApiKeyList:
    rows = await api_keys.list_keys(session, user_id=principal.user_id)
    return ApiKeyList(data=[_out(k, clock.now()) for k in rows])


@router.get(
    "/{key_id}",
    summary="One of the caller's API keys",
    responses={404: {"description": "api_key_not_found"}},
)
async def get_api_key(
    key_id: uuid.UUID, principal: Manager, session: SessionDep, clock: ClockDep
) -> ApiKeyOut:
    key = await api_keys.get_key(session, user_id=principal.user_id, key_id=key_id)
    return _out(key, clock.now())


@router.post(
    "/{key_id}/rotate",
    status_code=status.HTTP_201_CREATED,
    summary="Replace a key's secret: a successor key with the same name and scopes",
    description="The old secret (and its tokens) stop working after `grace_period_seconds`; the "
    "new key's secret is in this response only. Needs a fresh second factor, like creation.",
    responses={
        **_STEP_UP,
        404: {"description": "api_key_not_found"},
        409: {"description": "api_key_inactive"},
        422: {"description": "api_key_grace_too_long, api_key_expiry_invalid"},
    },
)
async def rotate_api_key(
    key_id: uuid.UUID,
    body: ApiKeyRotate,
    principal: Manager,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> ApiKeyCreated:
    now = clock.now()
    await _step_up(session, principal, settings, now)
    key, secret = await api_keys.rotate_key(
        session,
        user_id=principal.user_id,
        role=principal.role,
        key_id=key_id,
        grace=timedelta(seconds=body.grace_period_seconds),
        expires_at=body.expires_at,
        policy=api_keys.KeyPolicy.from_settings(settings.api_keys),
        now=now,
    )
    return _created(key, secret, now)


@router.delete(
    "/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a key now, with every token issued for it",
    description="No second factor needed: stopping a leaked key must be quick.",
    responses={404: {"description": "api_key_not_found"}},
)
async def revoke_api_key(
    key_id: uuid.UUID, principal: Manager, session: SessionDep, clock: ClockDep
) -> Response:
    await api_keys.revoke_key(session, user_id=principal.user_id, key_id=key_id, now=clock.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
