"""OAuth 2.0 client credentials (RFC 6749 section 4.4): an API key exchanged for a short-lived
access token, optionally narrowed to some of the key's scopes.

The client is the API key: ``client_id`` is its public prefix, ``client_secret`` the full key.
The token is a JWT bound to the key (``akid``), so revoking the key ends it at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.auth import issue_client_token
from onramp.core.audit import record
from onramp.identity.api_keys import auth as api_key_auth
from onramp.identity.api_keys import format as api_key_format
from onramp.identity.api_keys.service import KeyPolicy
from onramp.identity.errors import (
    InvalidApiKey,
    OAuthInvalidClient,
    OAuthInvalidGrant,
    OAuthInvalidScope,
)

GRANT_TYPE = "client_credentials"


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str


@dataclass(frozen=True)
class Signing:
    secret: str
    issuer: str


def granted_scopes(requested: str | None, available: frozenset[str]) -> frozenset[str]:
    """RFC 6749 section 3.3: none asked for, all the key has; else a subset of them."""
    if requested is None or not requested.strip():
        return available
    wanted = frozenset(requested.split(" ")) - {""}
    beyond = sorted(wanted - available)
    if beyond:
        raise OAuthInvalidScope(f"not among the key's scopes: {' '.join(beyond)}")
    return wanted


async def client_credentials(
    session: AsyncSession,
    *,
    client_id: str,
    client_secret: str,
    scope: str | None,
    ip: str,
    now: datetime,
    policy: KeyPolicy,
    signing: Signing,
    sessions: async_sessionmaker[AsyncSession],
) -> IssuedToken:
    if api_key_format.prefix_of(client_secret, policy.environment) != client_id:
        raise OAuthInvalidClient("client_id and client_secret do not belong together")
    try:
        holder = await api_key_auth.authenticate(
            session, key=client_secret, ip=ip, now=now, policy=policy, sessions=sessions
        )
    except InvalidApiKey as exc:
        raise OAuthInvalidClient(
            "the client is unknown, or its secret wrong, expired or revoked"
        ) from exc
    if not holder.scopes:
        # Authenticated, but the owner's role no longer grants anything the key carries.
        raise OAuthInvalidGrant("the key's scopes are no longer granted to its owner")
    scopes = granted_scopes(scope, holder.scopes)
    ttl = policy.token_ttl
    if holder.expires_at is not None:
        ttl = min(ttl, holder.expires_at - now)
    seconds = max(1, int(ttl / timedelta(seconds=1)))
    token = issue_client_token(
        user_id=holder.user_id,
        role=holder.role,
        api_key_id=holder.key_id,
        scopes=scopes,
        secret=signing.secret,
        issuer=signing.issuer,
        ttl_seconds=seconds,
        now=now,
    )
    await record(
        session,
        actor=f"api_key:{holder.key_id}",
        action="auth.client_credentials_issued",
        entity_type="user",
        entity_id=str(holder.user_id),
        data={
            "key_id": str(holder.key_id),
            "prefix": holder.prefix,
            "scope": sorted(scopes),
            "ip": ip,
        },
    )
    return IssuedToken(access_token=token, expires_in=seconds, scope=" ".join(sorted(scopes)))
