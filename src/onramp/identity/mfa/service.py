"""TOTP second factor (RFC 6238): enrolment, recovery codes, login challenges, step-up."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

import pyotp
import segno
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import require_recent_mfa
from onramp.core.audit import record
from onramp.identity.errors import (
    InvalidMfaCode,
    MfaAlreadyEnabled,
    MfaNotEnrolled,
)
from onramp.identity.models import MfaChallenge, RecoveryCode, TotpFactor, User
from onramp.identity.security_events import MFA_ENROLLED, MFA_REMOVED, announce

ISSUER = "onramp"
STEP_SECONDS = 30
RECOVERY_CODES = 10
CHALLENGE_PREFIX = "mfa_"


def _hash(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()


def _recovery_hash(code: str) -> bytes:
    """Recovery codes are typed by people: case, spaces and dashes do not matter."""
    return _hash(code.strip().lower().replace("-", "").replace(" ", ""))


def qr_svg_data_uri(otpauth_uri: str) -> str:
    """The enrolment QR code, drawn here (segno, no network) rather than by a QR web service
    that would see the secret."""
    return str(segno.make(otpauth_uri, error="m").svg_data_uri(scale=4))


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The 30 s step whose code this is, allowing one step of clock drift either way."""
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


async def start_enrolment(session: AsyncSession, *, user: User, now: datetime) -> tuple[str, str]:
    """A new secret and its otpauth:// URI (for a QR code); replaces an unconfirmed one."""
    factor = await session.get(TotpFactor, user.id, with_for_update=True)
    if factor is not None and factor.confirmed_at is not None:
        raise MfaAlreadyEnabled()
    secret = pyotp.random_base32()
    if factor is None:
        session.add(TotpFactor(user_id=user.id, secret=secret, created_at=now))
    else:
        factor.secret, factor.created_at, factor.last_step = secret, now, None
    await session.flush()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return secret, uri


async def confirm_enrolment(
    session: AsyncSession, *, user_id: uuid.UUID, code: str, now: datetime
) -> list[str]:
    """Activate the factor with a first code; return recovery codes (shown once, kept hashed)."""
    factor = await session.get(TotpFactor, user_id, with_for_update=True)
    if factor is None:
        raise MfaNotEnrolled()
    if factor.confirmed_at is not None:
        raise MfaAlreadyEnabled()
    step = matching_step(factor.secret, code, now)
    if step is None:
        raise InvalidMfaCode()
    factor.confirmed_at, factor.last_step = now, step
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    session.add_all(RecoveryCode(code_hash=_recovery_hash(c), user_id=user_id) for c in codes)
    await record(
        session,
        actor=f"user:{user_id}",
        action="auth.mfa_enabled",
        entity_type="user",
        entity_id=str(user_id),
    )
    await announce(session, MFA_ENROLLED, user_id)
    await session.flush()
    return codes


async def remove_factor(session: AsyncSession, *, user_id: uuid.UUID, now: datetime) -> None:
    """Turn the second factor off: the authenticator and every recovery code go; audited and
    announced (the owner is emailed). The caller proved the factor recently (step-up)."""
    factor = await session.get(TotpFactor, user_id, with_for_update=True)
    if factor is None or factor.confirmed_at is None:
        raise MfaNotEnrolled()
    await session.delete(factor)
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    await record(
        session,
        actor=f"user:{user_id}",
        action="auth.mfa_disabled",
        entity_type="user",
        entity_id=str(user_id),
        data={"at": now.isoformat()},
    )
    await announce(session, MFA_REMOVED, user_id)
    await session.flush()


async def is_enabled(session: AsyncSession, *, user_id: uuid.UUID) -> bool:
    confirmed = await session.scalar(
        select(TotpFactor.confirmed_at).where(TotpFactor.user_id == user_id)
    )
    return confirmed is not None


async def verify_second_factor(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    code: str | None,
    recovery_code: str | None,
    now: datetime,
) -> str:
    """Check a TOTP code (each step once) or a recovery code (each once); return which."""
    if recovery_code:
        found = await session.get(RecoveryCode, _recovery_hash(recovery_code), with_for_update=True)
        if found is None or found.user_id != user_id or found.used_at is not None:
            raise InvalidMfaCode()
        found.used_at = now
        method = "recovery_code"
    else:
        factor = await session.get(TotpFactor, user_id, with_for_update=True)
        if factor is None or factor.confirmed_at is None:
            raise MfaNotEnrolled()
        step = matching_step(factor.secret, code or "", now)
        if step is None or (factor.last_step is not None and step <= factor.last_step):
            raise InvalidMfaCode()
        factor.last_step = step
        method = "totp"
    await record(
        session,
        actor=f"user:{user_id}",
        action="auth.mfa_verified",
        entity_type="user",
        entity_id=str(user_id),
        data={"method": method},
    )
    await session.flush()
    return method


async def open_challenge(
    session: AsyncSession, *, user_id: uuid.UUID, now: datetime, ttl: timedelta
) -> str:
    token = CHALLENGE_PREFIX + secrets.token_urlsafe(32)
    session.add(MfaChallenge(token_hash=_hash(token), user_id=user_id, expires_at=now + ttl))
    await session.flush()
    return token


async def take_challenge(session: AsyncSession, *, token: str, now: datetime) -> uuid.UUID:
    """The user a pending login belongs to; each challenge is good once."""
    challenge = await session.get(MfaChallenge, _hash(token), with_for_update=True)
    if challenge is None or challenge.used_at is not None or challenge.expires_at <= now:
        raise InvalidMfaCode("the login attempt expired; log in again")
    challenge.used_at = now
    return challenge.user_id


async def require_step_up_if_enrolled(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    mfa_at: datetime | None,
    now: datetime,
    max_age: timedelta,
) -> None:
    """For changes guarded by the password as well (password, email): users with a second
    factor prove it again; users without one are not locked out of their own account."""
    if await is_enabled(session, user_id=user_id):
        await require_recent_mfa(session, user_id=user_id, mfa_at=mfa_at, now=now, max_age=max_age)
