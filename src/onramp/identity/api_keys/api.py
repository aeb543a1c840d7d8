"""``/v1/me/api-keys``: a user's API keys. Creating and rotating need a fresh second factor."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from onramp.auth import Permission, Principal, require
from onramp.core.paging import BlankIsNone, PageDep
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.identity.api_keys import own_keys
from onramp.identity.api_keys import service as api_keys
from onramp.identity.api_keys.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyList,
    ApiKeyOut,
    ApiKeyRotate,
)

router = APIRouter(prefix="/v1/me/api-keys", tags=["api keys"])
KeyStateQuery = Annotated[
    api_keys.KeyState | None,
    BlankIsNone,
    Query(description="Only the active keys (a rotating one too), the revoked, or the expired"),
]

Manager = Annotated[Principal, require(Permission.API_KEYS_MANAGE_OWN)]

_STEP_UP: dict[int | str, dict[str, Any]] = {
    403: {
        "description": "step_up_required, mfa_enrollment_required, api_key_scope_not_allowed, "
        "permission_denied, insufficient_scope (API keys cannot manage keys)"
    }
}


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
    return await own_keys.create_own_key(
        session,
        principal=principal,
        body=body,
        settings=settings,
        now=clock.now(),
    )


@router.get("", summary="The caller's API keys (prefixes only, never secrets), newest first")
async def list_api_keys(
    principal: Manager,
    session: SessionDep,
    clock: ClockDep,
    page: PageDep,
    state: KeyStateQuery = None,
) -> ApiKeyList:
    data = await own_keys.own_keys(
        session, principal=principal, now=clock.now(), page=page, state=state
    )
    return ApiKeyList(data=data, next_before=page.next_before(data))


@router.get(
    "/{key_id}",
    summary="One of the caller's API keys",
    responses={404: {"description": "api_key_not_found"}},
)
async def get_api_key(
    key_id: uuid.UUID, principal: Manager, session: SessionDep, clock: ClockDep
) -> ApiKeyOut:
    key = await api_keys.get_key(session, user_id=principal.user_id, key_id=key_id)
    return own_keys.key_out(key, clock.now())


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
    return await own_keys.rotate_own_key(
        session,
        principal=principal,
        key_id=key_id,
        grace=timedelta(seconds=body.grace_period_seconds),
        expires_at=body.expires_at,
        settings=settings,
        now=clock.now(),
    )


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
    await own_keys.revoke_own_key(session, principal=principal, key_id=key_id, now=clock.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
