"""JWT bearer access tokens (HS256), short-lived."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from onramp.identity.errors import InvalidToken


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    role: str


def issue_access_token(
    *, user_id: uuid.UUID, role: str, secret: str, issuer: str, ttl_seconds: int, now: datetime
) -> str:
    claims = {
        "sub": str(user_id),
        "role": role,
        "iss": issuer,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def verify_access_token(token: str, *, secret: str, issuer: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=issuer,
            options={"require": ["sub", "exp", "iat", "iss"]},
        )
        return Principal(user_id=uuid.UUID(claims["sub"]), role=str(claims.get("role", "")))
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise InvalidToken() from exc
