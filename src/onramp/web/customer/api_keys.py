"""``/app/api-keys``: the person's API keys: create one (its secret shown this once), list them
(prefixes only), rotate (a successor, its secret shown once) and revoke. identity's, as
``/v1/me/api-keys`` calls them: creating and rotating need a recent second factor."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from onramp.auth import Permission, Principal, delegable, require
from onramp.core.paging import PageDep
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.identity import (
    ApiKeyCreate,
    KeyStateQuery,
    create_own_key,
    own_api_keys,
    revoke_own_key,
    rotate_own_key,
)
from onramp.web.customer.forms import ListFilter, back_to, pager_of, parse
from onramp.web.rendering import render

PAGE = "/app/api-keys"
router = APIRouter(prefix=PAGE, include_in_schema=False)
Manager = Annotated[Principal, require(Permission.API_KEYS_MANAGE_OWN)]


@router.get("")
async def api_keys_page(
    request: Request,
    principal: Manager,
    session: SessionDep,
    clock: ClockDep,
    page: PageDep,
    state: KeyStateQuery = None,
    done: str = "",
) -> HTMLResponse:
    keys = await own_api_keys(session, principal=principal, now=clock.now(), page=page, state=state)
    return render(
        request,
        "app/account/api_keys.html",
        principal=principal,
        keys=keys,
        state=ListFilter.of("state", state, KeyStateQuery),
        scopes=sorted(delegable(principal.role)),
        done=done,
        **pager_of(page, keys),
    )


@router.post("")
async def create(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    principal: Manager,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    scopes: Annotated[list[str] | None, Form(max_length=50)] = None,
) -> HTMLResponse:
    body = parse(ApiKeyCreate, {"name": name, "scopes": scopes or []})
    created = await create_own_key(
        session,
        principal=principal,
        body=body,
        settings=settings,
        now=clock.now(),
    )
    return render(request, "app/account/api_key_created.html", principal=principal, key=created)


@router.post("/{key_id}/rotate")
async def rotate(
    request: Request,
    key_id: uuid.UUID,
    principal: Manager,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> HTMLResponse:
    created = await rotate_own_key(
        session,
        principal=principal,
        key_id=key_id,
        grace=timedelta(0),  # the page rotates at once; a grace period is the API's option
        expires_at=None,
        settings=settings,
        now=clock.now(),
    )
    return render(request, "app/account/api_key_created.html", principal=principal, key=created)


@router.post("/{key_id}/revoke")
async def revoke(
    key_id: uuid.UUID, principal: Manager, session: SessionDep, clock: ClockDep
) -> RedirectResponse:
    await revoke_own_key(session, principal=principal, key_id=key_id, now=clock.now())
    return back_to(PAGE, "revoked")
