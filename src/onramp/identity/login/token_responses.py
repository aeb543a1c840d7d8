"""What a successful login answers: tokens in the body for API clients, HttpOnly cookies (and a
CSRF token) for the browser. Shared by the password, MFA and refresh routes."""

from __future__ import annotations

from fastapi import Request, Response

from onramp.auth import csrf_token, issue_access_token, set_session_cookies
from onramp.core.settings import Settings
from onramp.identity.models import AuthSession, User
from onramp.identity.schemas import CookieSessionOut, TokenOut
from onramp.identity.sessions import service as sessions


def client_of(request: Request) -> sessions.Client:
    return sessions.Client(
        ip=request.client.host if request.client else "unknown",
        user_agent=request.headers.get("user-agent", ""),
    )


def issue_tokens(
    settings: Settings, user: User, auth: AuthSession, refresh: str, request: Request
) -> TokenOut:
    access = issue_access_token(
        user_id=user.id,
        role=user.role,
        session_id=auth.id,
        secret=settings.auth.jwt_secret.get_secret_value(),
        issuer=settings.auth.issuer,
        ttl_seconds=settings.auth.access_token_ttl_seconds,
        now=request.app.state.clock.now(),
    )
    return TokenOut(
        access_token=access,
        expires_in=settings.auth.access_token_ttl_seconds,
        refresh_token=refresh,
        session_id=auth.id,
        user_id=user.id,
    )


def answer_with(
    tokens: TokenOut, *, cookie_session: bool, response: Response, settings: Settings
) -> TokenOut | CookieSessionOut:
    """Tokens in the body for API clients; for the browser, in HttpOnly cookies."""
    if not cookie_session:
        return tokens
    csrf = csrf_token(settings.auth.jwt_secret.get_secret_value(), tokens.session_id)
    set_session_cookies(
        response,
        access=tokens.access_token,
        refresh=tokens.refresh_token,
        csrf=csrf,
        max_age=settings.auth.session_ttl_seconds,
    )
    return CookieSessionOut(
        session_id=tokens.session_id,
        user_id=tokens.user_id,
        expires_in=tokens.expires_in,
        csrf_token=csrf,
    )
