"""Tokens: short-lived JWT access tokens (HS256) bound to a session, and opaque refresh tokens
stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from onramp.identity.errors import InvalidToken

AUDIENCE = "onramp-api"
ALGORITHM = "HS256"
REFRESH_PREFIX = "rt_"
CLOCK_SKEW_SECONDS = 60


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    role: str
    session_id: uuid.UUID
    # When the session last proved a second factor (read from the session, not the token).
    mfa_at: datetime | None = None


def issue_access_token(
    *,
    user_id: uuid.UUID,
    role: str,
    session_id: uuid.UUID,
    secret: str,
    issuer: str,
    ttl_seconds: int,
    now: datetime,
) -> str:
    claims = {
        "sub": str(user_id),
        "role": role,
        "sid": str(session_id),
        "iss": issuer,
        "aud": AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_access_token(
    token: str, *, secret: str, issuer: str, now: datetime | None = None
) -> Principal:
    """Signature (HS256 only: ``alg: none`` and others are refused), issuer, audience, and
    expiry against ``now`` (the service's clock; the system clock when omitted)."""
    moment = int((now or datetime.now(UTC)).timestamp())
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=issuer,
            audience=AUDIENCE,
            options={
                "require": ["sub", "sid", "exp", "iat", "iss", "aud"],
                "verify_exp": False,  # checked below against the service's clock
                "verify_iat": False,
            },
        )
        if int(claims["exp"]) <= moment or int(claims["iat"]) > moment + CLOCK_SKEW_SECONDS:
            raise InvalidToken("the access token has expired or is not valid yet")
        return Principal(
            user_id=uuid.UUID(claims["sub"]),
            role=str(claims.get("role", "")),
            session_id=uuid.UUID(claims["sid"]),
        )
    except (jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
        raise InvalidToken() from exc


def new_refresh_token() -> str:
    return REFRESH_PREFIX + secrets.token_urlsafe(32)


def refresh_token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
