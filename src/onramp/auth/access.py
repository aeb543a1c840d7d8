"""FastAPI dependencies that decide who is calling and what they may do."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import cookies
from onramp.auth.permissions import Permission, allowed, needs_second_factor
from onramp.auth.tokens import Principal, verify_access_token
from onramp.core.settings import Settings
from onramp.core.web import ClockDep, SessionDep, check_rate, client_ip
from onramp.identity import api_key_auth, api_key_format, sessions
from onramp.identity.api_keys import KeyHolder, KeyPolicy
from onramp.identity.errors import (
    InsufficientScope,
    InvalidToken,
    LoginSessionRequired,
    PermissionDenied,
    StaffMfaRequired,
)

_bearer = HTTPBearer(auto_error=False)


def _key_principal(holder: KeyHolder, scopes: frozenset[str] | None = None) -> Principal:
    return Principal(
        user_id=holder.user_id,
        role=holder.role,
        session_id=None,
        api_key_id=holder.key_id,
        # A token carries the scopes it was granted; the key's current scopes bound them.
        scopes=holder.scopes if scopes is None else scopes & holder.scopes,
    )


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session: SessionDep,
    clock: ClockDep,
) -> Principal:
    """A valid access token whose session (or API key) is still open, or an API key itself:
    logout and key revocation take effect at once."""
    settings: Settings = request.app.state.settings
    if credentials is None and (cookie := request.cookies.get(cookies.ACCESS_COOKIE)):
        return await _cookie_principal(request, cookie, session, clock.now(), settings)
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise InvalidToken()
    policy = KeyPolicy.from_settings(settings.api_keys)
    now, ip = clock.now(), client_ip(request)
    if api_key_format.looks_like_api_key(credentials.credentials):
        holder = await api_key_auth.authenticate(
            session,
            key=credentials.credentials,
            ip=ip,
            now=now,
            policy=policy,
            sessions=request.app.state.sessions,
        )
        return _key_principal(holder)
    principal = verify_access_token(
        credentials.credentials,
        secret=settings.auth.jwt_secret.get_secret_value(),
        issuer=settings.auth.issuer,
        now=now,
    )
    if principal.api_key_id is not None:
        found = await api_key_auth.active_holder(
            session, key_id=principal.api_key_id, ip=ip, now=now, policy=policy
        )
        if found is None:
            raise InvalidToken("the API key of this token was revoked or has expired")
        return _key_principal(found, principal.scopes)
    return await _with_open_session(session, principal, now)


async def _with_open_session(
    session: AsyncSession, principal: Principal, now: datetime
) -> Principal:
    """The token's session, open and its subject's; the role is the owner's current one, read
    with the session (a token's ``role`` claim is never trusted: a role change or a
    deactivation takes effect on the next request)."""
    active = await sessions.active_session(session, session_id=principal.login_session(), now=now)
    if active is None:
        raise InvalidToken("the session was revoked or has expired")
    if active.user_id != principal.user_id:
        raise InvalidToken("the token's session is not its subject's")
    return replace(principal, role=active.role, mfa_at=active.mfa_at)


async def _cookie_principal(
    request: Request, token: str, session: AsyncSession, now: datetime, settings: Settings
) -> Principal:
    """The browser's session cookie: a login session only, and CSRF-checked."""
    secret = settings.auth.jwt_secret.get_secret_value()
    principal = verify_access_token(token, secret=secret, issuer=settings.auth.issuer, now=now)
    cookies.check_csrf(
        request,
        session_id=principal.login_session(),
        secret=secret,
        allowed_origins=settings.auth.web_origins,
    )
    return await _with_open_session(session, principal, now)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


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
