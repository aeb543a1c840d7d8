"""The steps of signing up, in and out, once: the JSON routes (``login.api``, ``login.mfa_api``)
and the web pages (``onramp.web``) call these, so the rate limits, the lockout, the second factor
and the registration's screening are the same rules whichever door a person uses."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import REFRESH_COOKIE, check_csrf
from onramp.compliance import ListMatchers, check_name
from onramp.core.clock import Clock
from onramp.core.settings import Settings
from onramp.core.web import check_rate
from onramp.identity.accounts import service
from onramp.identity.accounts.emails import AccountEmails
from onramp.identity.accounts.verification import verify_email
from onramp.identity.errors import (
    InvalidCredentials,
    InvalidMfaCode,
    InvalidRefreshToken,
    RefreshTokenReused,
)
from onramp.identity.login.token_responses import client_of, issue_tokens
from onramp.identity.mfa import service as mfa
from onramp.identity.models import User
from onramp.identity.schemas import (
    MfaLoginRequest,
    MfaRequiredOut,
    RegisterRequest,
    TokenOut,
    UserOut,
)
from onramp.identity.sessions import lockout
from onramp.identity.sessions import service as sessions


def user_out(user: User, *, mfa_enabled: bool) -> UserOut:
    return UserOut(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        email_verified=user.email_verified_at is not None,
        mfa_enabled=mfa_enabled,
        created_at=user.created_at,
    )


async def register_customer(
    session: AsyncSession,
    *,
    matchers: ListMatchers,
    settings: Settings,
    clock: Clock,
    body: RegisterRequest,
) -> User:
    """A new customer, the verification email queued, and the name screened in the same
    transaction: a hit is an alert for compliance, not a refusal (a namesake may register;
    money is held where it moves)."""
    user = await service.register(
        session,
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        emails=AccountEmails.from_settings(settings),
        now=clock.now(),
    )
    await check_name(
        session,
        matchers,
        point="registration",
        customer_id=user.id,
        subject_type="customer",
        subject_id=str(user.id),
        name=body.full_name,
        now=clock.now(),
        actor=f"user:{user.id}",
    )
    return user


async def confirm_email(
    session: AsyncSession, *, token: str, settings: Settings, clock: Clock
) -> User:
    """The emailed verification link's token spent: the address is proven."""
    return await verify_email(
        session, token=token, emails=AccountEmails.from_settings(settings), now=clock.now()
    )


async def _open_session(
    request: Request,
    session: AsyncSession,
    settings: Settings,
    user: User,
    client: sessions.Client,
    now: datetime,
    *,
    mfa: bool,
) -> TokenOut:
    auth, refresh = await sessions.start_session(
        session,
        user=user,
        client=client,
        now=now,
        ttl=timedelta(seconds=settings.auth.session_ttl_seconds),
        mfa=mfa,
    )
    await lockout.clear_account(session, email=user.email)  # after the session noted the streak
    return issue_tokens(settings, user, auth, refresh, request)


async def password_login(
    request: Request,
    session: AsyncSession,
    *,
    settings: Settings,
    clock: Clock,
    email: str,
    password: str,
) -> TokenOut | MfaRequiredOut:
    """Email and password: a session's tokens, or the MFA challenge to finish it with. After
    repeated failures the account and the caller's IP are locked (``login_locked``)."""
    client = client_of(request)
    now = clock.now()
    await check_rate(request, "login", "account", lockout.account_key(email))
    await lockout.check(session, email=email, ip=client.ip, now=now)
    try:
        user = await service.authenticate(session, email=email, password=password)
    except InvalidCredentials:
        sessionmaker = request.app.state.sessions
        await service.record_failed_login(sessionmaker, email=email, ip=client.ip)
        await lockout.record_failure(
            sessionmaker,
            policy=lockout.LockoutPolicy.from_settings(settings.auth),
            email=email,
            ip=client.ip,
            now=now,
        )
        raise
    if await mfa.is_enabled(session, user_id=user.id):
        ttl = settings.auth.mfa_challenge_ttl_seconds
        token = await mfa.open_challenge(
            session, user_id=user.id, now=now, ttl=timedelta(seconds=ttl)
        )
        return MfaRequiredOut(mfa_token=token, expires_in=ttl)
    return await _open_session(request, session, settings, user, client, now, mfa=False)


async def mfa_login(
    request: Request,
    session: AsyncSession,
    *,
    settings: Settings,
    clock: Clock,
    body: MfaLoginRequest,
) -> TokenOut:
    """The login's MFA challenge finished with a TOTP code or a recovery code."""
    now = clock.now()
    user = await service.get_user(
        session, user_id=await mfa.take_challenge(session, token=body.mfa_token, now=now)
    )
    client = client_of(request)
    await lockout.check(session, email=user.email, ip=client.ip, now=now)
    try:
        await mfa.verify_second_factor(
            session, user_id=user.id, code=body.code, recovery_code=body.recovery_code, now=now
        )
    except InvalidMfaCode:
        # The caller's transaction rolls back (the challenge stays usable until it expires);
        # the failure is counted in a transaction of its own.
        await lockout.record_failure(
            request.app.state.sessions,
            policy=lockout.LockoutPolicy.from_settings(settings.auth),
            email=user.email,
            ip=client.ip,
            now=now,
        )
        raise
    return await _open_session(request, session, settings, user, client, now, mfa=True)


async def refresh_session(
    request: Request,
    session: AsyncSession,
    *,
    settings: Settings,
    clock: Clock,
    token: str | None,
) -> TokenOut:
    """A single-use refresh token exchanged for fresh tokens. Without one in the body, the
    browser's refresh cookie is used, and then (as every cookie-authenticated change) the
    session's CSRF token must come with it. A token presented again revokes the whole session,
    unless within the reuse grace (two tabs renewing at once: ``RefreshTokenSuperseded``)."""
    from_cookie = not token  # an empty one too: the cookie is never used unchecked
    token = token or request.cookies.get(REFRESH_COOKIE)
    if not token:
        raise InvalidRefreshToken()
    try:
        user, auth, fresh = await sessions.rotate(
            session,
            token=token,
            now=clock.now(),
            grace=timedelta(seconds=settings.auth.refresh_reuse_grace_seconds),
        )
    except RefreshTokenReused as exc:
        await sessions.revoke_family(
            request.app.state.sessions, session_id=exc.extra["session_id"], now=clock.now()
        )
        raise
    if from_cookie:
        # Refused here, the rotation rolls back: the refresh cookie stays good.
        await check_csrf(
            request,
            session_id=auth.id,
            secret=settings.auth.jwt_secret.get_secret_value(),
            allowed_origins=settings.auth.web_origins,
        )
    return issue_tokens(settings, user, auth, fresh, request)


async def logout(
    session: AsyncSession, *, session_id: uuid.UUID, user_id: uuid.UUID, clock: Clock
) -> None:
    """The session ends: its access and refresh tokens stop working at once."""
    await sessions.revoke(
        session, session_id=session_id, user_id=user_id, reason="logout", now=clock.now()
    )


async def profile_of(session: AsyncSession, *, user_id: uuid.UUID) -> UserOut:
    """The person's profile as ``GET /v1/me`` shows it."""
    user = await service.get_user(session, user_id=user_id)
    return user_out(user, mfa_enabled=await mfa.is_enabled(session, user_id=user.id))
