"""Identity's side of the access kit: API keys, client-credentials tokens and login sessions
looked up in identity's stores (``auth.credentials.CredentialStore``)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.auth import InvalidToken, Principal
from onramp.core.settings import Settings
from onramp.identity.api_keys import auth as api_key_auth
from onramp.identity.api_keys import format as api_key_format
from onramp.identity.api_keys.service import KeyHolder, KeyPolicy
from onramp.identity.mfa.service import is_enabled
from onramp.identity.sessions import service as sessions


def _key_principal(holder: KeyHolder, scopes: frozenset[str] | None = None) -> Principal:
    return Principal(
        user_id=holder.user_id,
        role=holder.role,
        session_id=None,
        api_key_id=holder.key_id,
        # A token carries the scopes it was granted; the key's current scopes bound them.
        scopes=holder.scopes if scopes is None else scopes & holder.scopes,
    )


class IdentityCredentials:
    async def api_key_principal(
        self,
        session: AsyncSession,
        *,
        key: str,
        ip: str,
        now: datetime,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
    ) -> Principal | None:
        if not api_key_format.looks_like_api_key(key):
            return None
        holder = await api_key_auth.authenticate(
            session,
            key=key,
            ip=ip,
            now=now,
            policy=KeyPolicy.from_settings(settings.api_keys),
            sessions=sessions,
        )
        return _key_principal(holder)

    async def key_token_principal(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        ip: str,
        now: datetime,
        settings: Settings,
    ) -> Principal:
        assert principal.api_key_id is not None
        policy = KeyPolicy.from_settings(settings.api_keys)
        found = await api_key_auth.active_holder(
            session, key_id=principal.api_key_id, ip=ip, now=now, policy=policy
        )
        if found is None:
            raise InvalidToken("the API key of this token was revoked or has expired")
        return _key_principal(found, principal.scopes)

    async def session_principal(
        self, session: AsyncSession, principal: Principal, *, now: datetime
    ) -> Principal:
        """The token's session, open and its subject's; the role is the owner's current one,
        read with the session (a token's ``role`` claim is never trusted: a role change or a
        deactivation takes effect on the next request)."""
        active = await sessions.active_session(
            session, session_id=principal.login_session(), now=now
        )
        if active is None:
            raise InvalidToken("the session was revoked or has expired")
        if active.user_id != principal.user_id:
            raise InvalidToken("the token's session is not its subject's")
        return replace(principal, role=active.role, mfa_at=active.mfa_at)

    async def second_factor_enrolled(self, session: AsyncSession, *, user_id: uuid.UUID) -> bool:
        return await is_enabled(session, user_id=user_id)
