"""Tokens: short-lived JWT access tokens (HS256) bound to a session or to an API key, and opaque
refresh tokens stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from onramp.auth.errors import InvalidToken

AUDIENCE = "onramp-api"
ALGORITHM = "HS256"
REFRESH_PREFIX = "rt_"
CLOCK_SKEW_SECONDS = 60


@dataclass(frozen=True)
class Principal:
    """Who is calling: a person's login session, or an API key (used directly or through a
    client-credentials token). Exactly one of ``session_id`` and ``api_key_id`` is set."""

    user_id: uuid.UUID
    role: str
    session_id: uuid.UUID | None
    # When the session last proved a second factor (read from the session, not the token).
    mfa_at: datetime | None = None
    api_key_id: uuid.UUID | None = None
    # What an API key may do on top of its owner's role; None for a session (the role alone).
    scopes: frozenset[str] | None = None

    def login_session(self) -> uuid.UUID:
        """The session of a person's login; routes that act on it are not open to API keys
        (``sessions:manage_own`` is not delegable), so this only guards the types."""
        if self.session_id is None:
            raise InvalidToken("this needs a login session, not an API key")
        return self.session_id


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


def issue_client_token(
    *,
    user_id: uuid.UUID,
    role: str,
    api_key_id: uuid.UUID,
    scopes: frozenset[str],
    secret: str,
    issuer: str,
    ttl_seconds: int,
    now: datetime,
) -> str:
    """A client-credentials access token: bound to its API key (``akid``; revoking the key ends
    it at once) and to the granted ``scope`` (space-separated, as RFC 9068 has it)."""
    claims = {
        "sub": str(user_id),
        "role": role,
        "akid": str(api_key_id),
        "scope": " ".join(sorted(scopes)),
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
                "require": ["sub", "exp", "iat", "iss", "aud"],
                "verify_exp": False,  # checked below against the service's clock
                "verify_iat": False,
            },
        )
        if int(claims["exp"]) <= moment or int(claims["iat"]) > moment + CLOCK_SKEW_SECONDS:
            raise InvalidToken("the access token has expired or is not valid yet")
        return _principal(claims)
    except (jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
        raise InvalidToken() from exc


def _principal(claims: dict[str, Any]) -> Principal:
    user_id, role = uuid.UUID(claims["sub"]), str(claims.get("role", ""))
    if ("sid" in claims) == ("akid" in claims):
        raise InvalidToken("the access token names neither or both of a session and a key")
    if "sid" in claims:
        return Principal(user_id=user_id, role=role, session_id=uuid.UUID(claims["sid"]))
    scope = claims.get("scope")
    if not isinstance(scope, str):
        raise InvalidToken()
    return Principal(
        user_id=user_id,
        role=role,
        session_id=None,
        api_key_id=uuid.UUID(claims["akid"]),
        scopes=frozenset(scope.split()),
    )


def new_refresh_token() -> str:
    return REFRESH_PREFIX + secrets.token_urlsafe(32)


def refresh_token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
