"""FastAPI dependencies that decide who is calling and what they may do."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from onramp.core.settings import Settings
from onramp.core.web import ClockDep, SessionDep, check_rate
from onramp.identity import sessions
from onramp.identity.errors import InvalidToken, PermissionDenied, StaffMfaRequired
from onramp.identity.permissions import Permission, allowed, needs_second_factor
from onramp.identity.tokens import Principal, verify_access_token

_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session: SessionDep,
    clock: ClockDep,
) -> Principal:
    """A valid access token whose session is still open (logout takes effect at once)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise InvalidToken()
    settings: Settings = request.app.state.settings
    principal = verify_access_token(
        credentials.credentials,
        secret=settings.auth.jwt_secret.get_secret_value(),
        issuer=settings.auth.issuer,
        now=clock.now(),
    )
    active = await sessions.active_session(
        session, session_id=principal.session_id, now=clock.now()
    )
    if active is None:
        raise InvalidToken("the session was revoked or has expired")
    return replace(principal, mfa_at=active.mfa_at)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(permission: Permission, *, rate: str | None = None) -> Any:
    """``principal: Annotated[Principal, require(Permission.X)]``: the route's declared need;
    ``rate`` also counts the call against that route class's per-account limit."""

    async def check(request: Request, principal: CurrentPrincipal) -> Principal:
        if not allowed(principal.role, permission):
            raise PermissionDenied(f"{permission} is not granted to {principal.role}")
        if needs_second_factor(principal.role, permission) and principal.mfa_at is None:
            raise StaffMfaRequired()
        if rate is not None:
            await check_rate(request, rate, "account", str(principal.user_id))
        return principal

    check.permission = permission  # type: ignore[attr-defined]  # read by the route audit
    return Depends(check)


def declared_permission(dependency: Any) -> Permission | None:
    permission = getattr(dependency, "permission", None)
    return permission if isinstance(permission, Permission) else None
