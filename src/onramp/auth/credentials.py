"""What the access kit needs from whoever keeps users, sessions, API keys and second factors.

``auth`` sits below ``identity`` (identity's own routes declare permissions with ``require``), so it
cannot import identity's stores; identity implements ``CredentialStore`` and installs it when it is
imported (``onramp.identity.__init__``), as domains register their four-eyes actions with identity.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.auth.tokens import Principal
from onramp.core.settings import Settings


class CredentialStore(Protocol):
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
        """The holder of ``key`` if it is written as an API key (None if it is not one);
        a wrong, expired or revoked key raises."""

    async def key_token_principal(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        ip: str,
        now: datetime,
        settings: Settings,
    ) -> Principal:
        """A client-credentials token's principal, bounded by its key as it is now."""

    async def session_principal(
        self, session: AsyncSession, principal: Principal, *, now: datetime
    ) -> Principal:
        """A login token's principal, with its session's current role and second factor."""

    async def second_factor_enrolled(
        self, session: AsyncSession, *, user_id: uuid.UUID
    ) -> bool: ...


_installed: list[CredentialStore] = []


def install_credential_store(store: CredentialStore) -> None:
    _installed[:] = [store]


def credential_store() -> CredentialStore:
    if not _installed:
        raise RuntimeError("no credential store installed: importing onramp.identity installs it")
    return _installed[0]
