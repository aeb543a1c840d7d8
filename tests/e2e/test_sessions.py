"""Sessions: rotating refresh tokens, reuse detection, logout, listing and revocation."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.auth import refresh_token_hash
from onramp.core.audit import AuditRecord
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.identity.models import RefreshToken
from tests.e2e.conftest import PASSWORD, Customer, register


async def _login(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    r = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    body: dict[str, str] = r.json()
    return body


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _used_a_minute_ago(sessions: async_sessionmaker[AsyncSession], token: str) -> None:
    """The token's exchange moved back past the reuse grace: presenting it now is a copy."""
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.token_hash == refresh_token_hash(token))
            .values(used_at=RefreshToken.used_at - timedelta(minutes=1))
        )


async def test_refresh_rotates_and_a_reused_token_revokes_the_session(
    customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = customer.client
    first = await _login(client, customer.email)
    r = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["session_id"] == first["session_id"]
    assert (
        await client.get("/v1/orders", headers=_bearer(second["access_token"]))
    ).status_code == 200

    # The first refresh token again, a minute later: someone copied it. The whole session ends.
    await _used_a_minute_ago(sessions, first["refresh_token"])
    reused = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    assert reused.json()["code"] == "refresh_token_reused"
    after = await client.get("/v1/orders", headers=_bearer(second["access_token"]))
    assert after.status_code == 401
    latest = await client.post("/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert latest.status_code == 401
    assert latest.json()["code"] == "invalid_refresh_token"


async def test_a_token_presented_again_at_once_is_a_second_tab_and_revokes_nothing(
    customer: Customer,
) -> None:
    client = customer.client
    first = await _login(client, customer.email)
    won = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert won.status_code == 200, won.text

    raced = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert raced.status_code == 401
    assert raced.json()["code"] == "refresh_token_superseded"
    # The login lives on: the winner's tokens work, and its refresh token rotates.
    newer = won.json()
    assert (
        await client.get("/v1/orders", headers=_bearer(newer["access_token"]))
    ).status_code == 200
    again = await client.post("/v1/auth/refresh", json={"refresh_token": newer["refresh_token"]})
    assert again.status_code == 200, again.text


async def test_unknown_refresh_tokens_are_refused(customer: Customer) -> None:
    r = await customer.client.post("/v1/auth/refresh", json={"refresh_token": "rt_nonsense"})
    assert r.status_code == 401
    assert r.json()["code"] == "invalid_refresh_token"


async def test_logout_ends_the_session_at_once(customer: Customer) -> None:
    tokens = await _login(customer.client, customer.email)
    headers = _bearer(tokens["access_token"])
    assert (await customer.client.post("/v1/auth/logout", headers=headers)).status_code == 204
    assert (await customer.client.get("/v1/orders", headers=headers)).status_code == 401
    r = await customer.client.post(
        "/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert r.status_code == 401
    # The customer's other sessions are untouched.
    assert (await customer.client.get("/v1/orders")).status_code == 200


async def test_sessions_are_listed_and_revocable_by_their_owner_only(
    customer: Customer, other_customer: Customer
) -> None:
    second = await _login(customer.client, customer.email)
    listed = (await customer.client.get("/v1/me/sessions")).json()["data"]
    ids = {s["id"] for s in listed}
    assert second["session_id"] in ids
    assert sum(1 for s in listed if s["current"]) == 1

    stranger = await other_customer.client.delete(f"/v1/me/sessions/{second['session_id']}")
    assert stranger.status_code == 404
    assert stranger.json()["code"] == "session_not_found"
    assert (await customer.client.delete(f"/v1/me/sessions/{uuid.uuid4()}")).status_code == 404

    assert (
        await customer.client.delete(f"/v1/me/sessions/{second['session_id']}")
    ).status_code == 204
    revoked = await customer.client.get("/v1/orders", headers=_bearer(second["access_token"]))
    assert revoked.status_code == 401
    listed = (await customer.client.get("/v1/me/sessions")).json()["data"]
    assert next(s for s in listed if s["id"] == second["session_id"])["revoked_reason"] == (
        "revoked_by_user"
    )


async def test_auth_events_are_audited(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with httpx.AsyncClient(base_url=stack.api_url) as client:
        customer = await register(client, stack)
        bad = await client.post(
            "/v1/auth/login", json={"email": customer.email, "password": "wrong password here"}
        )
        assert bad.status_code == 401
    async with sessions() as session:
        actions = list(
            await session.scalars(
                select(AuditRecord.action)
                .where(AuditRecord.entity_id == customer.user_id)
                .order_by(AuditRecord.id)
            )
        )
    assert actions == [
        "user.registered",
        "user.email_verified",
        "auth.login_succeeded",
        "auth.login_failed",
    ]
