"""The staff member's own API keys (``/admin/api-keys``): their keys (prefixes, never secrets),
a new one with scopes their role may delegate (shown once; a second factor proved within the
step-up window, as ``POST /v1/me/api-keys`` asks), and revoking one at once. Staff powers that
need a person (deciding approvals, managing users, the back office itself) are never delegable.
The same services as ``/v1/me/api-keys`` (``api_keys:manage_own``)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from onramp.auth import Permission, Principal, delegable, require, require_recent_mfa
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.identity import KeyPolicy, create_api_key, list_api_keys, revoke_api_key
from onramp.web.rendering import render

# Customers may manage keys too (``api_keys:manage_own``), on their own pages: these are staff's.
router = APIRouter(
    prefix="/admin/api-keys",
    include_in_schema=False,
    dependencies=[require(Permission.BACK_OFFICE)],
)
Manager = Annotated[Principal, require(Permission.API_KEYS_MANAGE_OWN)]


async def _page(
    request: Request,
    principal: Principal,
    session: SessionDep,
    *,
    created: tuple[str, str] | None = None,
) -> Response:
    return render(
        request,
        "admin/api_keys.html",
        status_code=201 if created else 200,
        principal=principal,
        keys=await list_api_keys(session, user_id=principal.user_id),
        scopes=sorted(delegable(principal.role)),
        created=created,
    )


@router.get("")
async def api_keys_page(request: Request, principal: Manager, session: SessionDep) -> Response:
    return await _page(request, principal, session)


@router.post("")
async def create(
    request: Request,
    principal: Manager,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    name: Annotated[Text, Form(min_length=1, max_length=100)],
    scopes: Annotated[list[Permission], Form(min_length=1)],
) -> Response:
    now = clock.now()
    await require_recent_mfa(
        session,
        user_id=principal.user_id,
        mfa_at=principal.mfa_at,
        now=now,
        max_age=timedelta(seconds=settings.auth.step_up_max_age_seconds),
    )
    key, secret = await create_api_key(
        session,
        owner_id=principal.user_id,
        role=principal.role,
        name=name,
        scopes=scopes,
        expires_at=None,
        policy=KeyPolicy.from_settings(settings.api_keys),
        now=now,
    )
    return await _page(request, principal, session, created=(key.name, secret))


@router.post("/{key_id}/revoke")
async def revoke(
    key_id: uuid.UUID, principal: Manager, session: SessionDep, clock: ClockDep
) -> RedirectResponse:
    await revoke_api_key(session, user_id=principal.user_id, key_id=key_id, now=clock.now())
    return RedirectResponse("/admin/api-keys", status_code=303)
