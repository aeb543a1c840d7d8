"""``auth.still_open``: whether what let a principal in (its login session, or its API key) is
still open, asked again by an answer that lasts (the order's progress stream)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from onramp.auth import InvalidToken, Principal
from onramp.auth import access as auth_access

NOW = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)


class _Store:
    def __init__(self, refuse: bool) -> None:
        self.refuse = refuse
        self.asked: list[str] = []

    async def _answer(self, kind: str, principal: Principal) -> Principal:
        self.asked.append(kind)
        if self.refuse:
            raise InvalidToken(f"the {kind} was revoked or has expired")
        return principal

    async def session_principal(self, session: object, principal: Principal, **_: object) -> Any:
        return await self._answer("session", principal)

    async def key_token_principal(self, session: object, principal: Principal, **_: object) -> Any:
        return await self._answer("key", principal)


@pytest.mark.parametrize("refuse", [False, True])
@pytest.mark.parametrize("by_key", [False, True])
async def test_still_open_asks_the_session_or_the_key(
    monkeypatch: pytest.MonkeyPatch, refuse: bool, by_key: bool
) -> None:
    store = _Store(refuse)
    monkeypatch.setattr(auth_access, "credential_store", lambda: store)
    user = uuid.uuid4()
    if by_key:
        principal = Principal(user, "customer", None, api_key_id=uuid.uuid4())
    else:
        principal = Principal(user, "customer", uuid.uuid4())
    settings: Any = SimpleNamespace()
    session: Any = None
    answer = await auth_access.still_open(
        session, principal, ip="1.2.3.4", now=NOW, settings=settings
    )
    assert answer is not refuse
    assert store.asked == ["key" if by_key else "session"]
