"""The back office's home (``/admin``): staff roles only, and only in a session that proved a
second factor (``back_office:open`` is not granted without one, as every staff permission of the
API). An anonymous visitor is sent to sign in; a customer gets 403."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from onramp.auth import Permission, Principal, require
from onramp.core.web import SessionDep
from onramp.identity import profile_of
from onramp.web.rendering import render

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("")
async def home(
    request: Request,
    principal: Annotated[Principal, require(Permission.BACK_OFFICE)],
    session: SessionDep,
) -> HTMLResponse:
    profile = await profile_of(session, user_id=principal.user_id)
    return render(request, "admin/home.html", principal=principal, profile=profile)
