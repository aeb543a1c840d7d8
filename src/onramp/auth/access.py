"""FastAPI dependencies that decide who is calling and what they may do."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import cookies
from onramp.auth.credentials import credential_store
from onramp.auth.errors import (
    InsufficientScope,
    InvalidToken,
    LoginSessionRequired,
    PermissionDenied,
    StaffMfaRequired,
)
from onramp.auth.permissions import Permission, allowed, needs_second_factor
from onramp.auth.tokens import Principal, verify_access_token
from onramp.core.db import unit_of_work
from onramp.core.errors import OnrampError
from onramp.core.settings import Settings
from onramp.core.web import ClockDep, SessionDep, check_rate, client_ip

_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session: SessionDep,
    clock: ClockDep,
) -> Principal:
    """A valid access token whose session (or API key) is still open, or an API key itself:
    logout and key revocation take effect at once."""
    settings: Settings = request.app.state.settings
    store = credential_store()
    if credentials is None and (cookie := request.cookies.get(cookies.ACCESS_COOKIE)):
        return await _cookie_principal(request, cookie, session, clock.now(), settings)
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise InvalidToken()
    now, ip = clock.now(), client_ip(request)
    holder = await store.api_key_principal(
        session,
        key=credentials.credentials,
        ip=ip,
        now=now,
        settings=settings,
        sessions=request.app.state.sessions,
    )
    if holder is not None:
        return holder
    principal = verify_access_token(
        credentials.credentials,
        secret=settings.auth.jwt_secret.get_secret_value(),
        issuer=settings.auth.issuer,
        now=now,
    )
    if principal.api_key_id is not None:
        return await store.key_token_principal(
            session, principal, ip=ip, now=now, settings=settings
        )
    return await store.session_principal(session, principal, now=now)


async def _cookie_principal(
    request: Request, token: str, session: AsyncSession, now: datetime, settings: Settings
) -> Principal:
    """The browser's session cookie: a login session only, and CSRF-checked."""
    secret = settings.auth.jwt_secret.get_secret_value()
    principal = verify_access_token(token, secret=secret, issuer=settings.auth.issuer, now=now)
    await cookies.check_csrf(
        request,
        session_id=principal.login_session(),
        secret=secret,
        allowed_origins=settings.auth.web_origins,
    )
    return await credential_store().session_principal(session, principal, now=now)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def signed_in(request: Request) -> Principal | None:
    """Who the browser's session cookie names, decided by the very ``current_principal`` that
    ``require`` depends on (token, open session, CSRF), or None where it refuses: what a page
    that shows a refusal may show of the navigation."""
    if not request.cookies.get(cookies.ACCESS_COOKIE):
        return None
    try:
        async with unit_of_work(request.app.state.sessions) as session:
            return await current_principal(request, None, session, request.app.state.clock)
    except OnrampError:
        return None


async def still_open(
    session: AsyncSession, principal: Principal, *, ip: str, now: datetime, settings: Settings
) -> bool:
    """Is what let ``principal`` in still open: its login session (not signed out, revoked or
    expired) or its API key (not revoked or expired)? An answer that lasts (a stream of events)
    asks again as it goes, as ``current_principal`` asked when it began."""
    store = credential_store()
    try:
        if principal.api_key_id is not None:
            await store.key_token_principal(session, principal, ip=ip, now=now, settings=settings)
        else:
            await store.session_principal(session, principal, now=now)
    except OnrampError:
        return False
    return True


def require(permission: Permission, *, rate: str | None = None, person: bool = False) -> Any:
    """``principal: Annotated[Principal, require(Permission.X)]``: the route's declared need —
    the caller's role must grant it and, for an API key, the key's scopes too; ``rate`` also
    counts the call against that route class's per-account limit; ``person`` closes the route
    to API keys whatever their scopes (irreversible acts on the account itself)."""

    async def check(request: Request, principal: CurrentPrincipal) -> Principal:
        if not allowed(principal.role, permission):
            raise PermissionDenied(f"{permission} is not granted to {principal.role}")
        if principal.scopes is not None and permission not in principal.scopes:
            raise InsufficientScope(
                f"the API key was not given {permission}",
                www_authenticate=f'Bearer error="insufficient_scope", scope="{permission}"',
            )
        if person and principal.api_key_id is not None:
            raise LoginSessionRequired()
        if (
            principal.api_key_id is None
            and needs_second_factor(principal.role, permission)
            and principal.mfa_at is None
        ):
            # Keys are exempt: minted after a step-up, and staff powers are not delegable.
            raise StaffMfaRequired()
        if rate is not None:
            await check_rate(request, rate, "account", str(principal.user_id))
        return principal

    # Read by the route audit and the authorization matrix.
    check.permission = permission  # type: ignore[attr-defined]
    check.person = person  # type: ignore[attr-defined]
    check.rate_class = rate  # type: ignore[attr-defined]
    return Depends(check)


def declared_permission(dependency: Any) -> Permission | None:
    permission = getattr(dependency, "permission", None)
    return permission if isinstance(permission, Permission) else None


def needs_person(dependency: Any) -> bool:
    return getattr(dependency, "person", False) is True
