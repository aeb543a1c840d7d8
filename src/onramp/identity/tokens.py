"""Tokens: short-lived JWT access tokens (HS256) bound to a session, and opaque refresh tokens
stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from onramp.identity.errors import InvalidToken

AUDIENCE = "onramp-api"
ALGORITHM = "HS256"
REFRESH_PREFIX = "rt_"


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    role: str
    session_id: uuid.UUID


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


def verify_access_token(token: str, *, secret: str, issuer: str) -> Principal:
    """Signature (HS256 only: ``alg: none`` and others are refused), issuer, audience, expiry."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=issuer,
            audience=AUDIENCE,
            options={"require": ["sub", "sid", "exp", "iat", "iss", "aud"]},
        )
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
