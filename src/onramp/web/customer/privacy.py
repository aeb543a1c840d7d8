"""``/app/privacy``: the customer's preferences (read and replace), the export of all their data
(a JSON download) and the request to erase it, confirmed on a page of its own first. identity's
and casework's, as ``/v1/me/preferences``, ``/v1/me/export`` and ``/v1/me/erasure`` call them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from onramp.auth import Permission, Principal, clear_session_cookies, require
from onramp.casework import erase_customer, export_customer
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.identity import Preferences, PreferencesBody, get_preferences, set_preferences
from onramp.web.customer.forms import back_to, parse
from onramp.web.rendering import render

PAGE = "/app/privacy"
router = APIRouter(prefix=PAGE, include_in_schema=False)
Own = Annotated[Principal, require(Permission.PROFILE_MANAGE_OWN)]
# Irreversible: a person's act, never an API key's.
Person = Annotated[Principal, require(Permission.PROFILE_MANAGE_OWN, person=True)]
Field = Annotated[str, Form(max_length=20)]


@router.get("")
async def privacy_page(
    request: Request, principal: Own, session: SessionDep, done: str = ""
) -> HTMLResponse:
    found = await get_preferences(session, user_id=principal.user_id)
    return render(
        request, "app/account/privacy.html", principal=principal, preferences=found, done=done
    )


@router.post("/preferences")
async def save_preferences(
    display_currency: Field,
    default_fiat_currency: Field,
    language: Field,
    principal: Own,
    session: SessionDep,
    clock: ClockDep,
    notification_channels: Annotated[list[str] | None, Form(max_length=5)] = None,
) -> RedirectResponse:
    body = parse(
        PreferencesBody,
        {
            "display_currency": display_currency,
            "default_fiat_currency": default_fiat_currency,
            "language": language,
            "notification_channels": notification_channels or [],
        },
    )
    await set_preferences(
        session,
        user_id=principal.user_id,
        preferences=Preferences(
            display_currency=body.display_currency,
            default_fiat_currency=body.default_fiat_currency,
            notification_channels=tuple(body.notification_channels),
            language=body.language,
        ),
        now=clock.now(),
    )
    return back_to(PAGE, "preferences")


@router.get("/export")
async def export(principal: Own, session: SessionDep, clock: ClockDep) -> JSONResponse:
    data = await export_customer(session, user_id=principal.user_id, now=clock.now())
    disposition = 'attachment; filename="onramp-export.json"'
    return JSONResponse(data, headers={"content-disposition": disposition})


@router.post("/erasure")
async def confirm_erasure(request: Request, principal: Person) -> HTMLResponse:
    """Nothing changes yet: the page that asks again."""
    return render(request, "app/account/erasure_confirm.html", principal=principal)


@router.post("/erasure/confirm")
async def erase(
    request: Request,
    confirm: Annotated[str, Form(max_length=20)],
    principal: Person,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    if confirm != "erase":  # the confirmation page's button, nothing else
        return back_to(PAGE)
    outcome = await erase_customer(
        session,
        user_id=principal.user_id,
        retention_days=settings.privacy.retention_days,
        now=clock.now(),
    )
    page = render(request, "app/account/erased.html", outcome=outcome)
    clear_session_cookies(page)  # every session ended with the erasure
    return page
