"""Identity's side of the access kit: API keys, client-credentials tokens and login sessions
looked up in identity's stores (``auth.credentials.CredentialStore``), through the API process's
credential cache (``auth.lookup_cache``: dropped the moment a session, key or user changes)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.auth import CredentialCache, InvalidToken, Principal, credential_cache, watched
from onramp.core.settings import Settings
from onramp.identity.api_keys import auth as api_key_auth
from onramp.identity.api_keys import format as api_key_format
from onramp.identity.api_keys.service import KeyHolder, KeyPolicy
from onramp.identity.mfa.service import is_enabled
from onramp.identity.sessions import service as sessions
from onramp.identity.sessions.service import ActiveSession


def _key_principal(holder: KeyHolder, scopes: frozenset[str] | None = None) -> Principal:
    return Principal(
        user_id=holder.user_id,
        role=holder.role,
        session_id=None,
        api_key_id=holder.key_id,
        # A token carries the scopes it was granted; the key's current scopes bound them.
        scopes=holder.scopes if scopes is None else scopes & holder.scopes,
    )


def _key_rows(holder: KeyHolder) -> list[str]:
    return [watched("api_keys", holder.key_id), watched("users", holder.user_id)]


async def _cached_key(
    cache: CredentialCache,
    session: AsyncSession,
    cache_key: str,
    *,
    ip: str,
    now: datetime,
    policy: KeyPolicy,
) -> KeyHolder | None:
    """A key's holder from the cache, still marked used once per resolution (that write is no
    change of what the key may do: it drops nothing)."""
    holder: KeyHolder | None = cache.get(cache_key, now)
    if holder is None:
        return None
    generation = cache.generation
    if await api_key_auth.touch(
        session, key_id=holder.key_id, last_used_at=holder.last_used_at, ip=ip, now=now,
        policy=policy,
    ):  # fmt: skip
        holder = replace(holder, last_used_at=now)
        cache.put(
            cache_key, holder, ends_at=holder.ends_at, rows=_key_rows(holder), generation=generation
        )
    return holder


def _remember_key(
    cache: CredentialCache, cache_key: str, holder: KeyHolder, generation: int
) -> None:
    cache.put(
        cache_key, holder, ends_at=holder.ends_at, rows=_key_rows(holder), generation=generation
    )


class IdentityCredentials:
    def __init__(self, cache: CredentialCache | None = None) -> None:
        self._cache = cache if cache is not None else credential_cache()

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
        policy = KeyPolicy.from_settings(settings.api_keys)
        # By the whole key's digest: a wrong secret under a known prefix never matches an entry.
        cache_key = "key:" + hashlib.sha256(key.encode()).hexdigest()
        holder = await _cached_key(self._cache, session, cache_key, ip=ip, now=now, policy=policy)
        if holder is None:
            generation = self._cache.generation
            holder = await api_key_auth.authenticate(
                session, key=key, ip=ip, now=now, policy=policy, sessions=sessions
            )
            _remember_key(self._cache, cache_key, holder, generation)
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
        cache_key = f"key_id:{principal.api_key_id}"
        found = await _cached_key(self._cache, session, cache_key, ip=ip, now=now, policy=policy)
        if found is None:
            generation = self._cache.generation
            found = await api_key_auth.active_holder(
                session, key_id=principal.api_key_id, ip=ip, now=now, policy=policy
            )
            if found is None:
                raise InvalidToken("the API key of this token was revoked or has expired")
            _remember_key(self._cache, cache_key, found, generation)
        return _key_principal(found, principal.scopes)

    async def session_principal(
        self, session: AsyncSession, principal: Principal, *, now: datetime
    ) -> Principal:
        """The token's session, open and its subject's; the role is the owner's current one,
        read with the session (a token's ``role`` claim is never trusted: a role change or a
        deactivation takes effect on the next request, the cached answer dropped with it)."""
        session_id = principal.login_session()
        cache = self._cache
        cache_key = f"session:{session_id}"
        active: ActiveSession | None = cache.get(cache_key, now)
        if active is None:
            generation = cache.generation
            active = await sessions.active_session(session, session_id=session_id, now=now)
            if active is None:
                raise InvalidToken("the session was revoked or has expired")
            cache.put(
                cache_key,
                active,
                ends_at=active.expires_at,
                rows=[watched("auth_sessions", session_id), watched("users", active.user_id)],
                generation=generation,
            )
        if active.user_id != principal.user_id:
            raise InvalidToken("the token's session is not its subject's")
        return replace(principal, role=active.role, mfa_at=active.mfa_at)

    async def second_factor_enrolled(self, session: AsyncSession, *, user_id: uuid.UUID) -> bool:
        return await is_enabled(session, user_id=user_id)
