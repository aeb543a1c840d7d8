"""What a token may claim and what the server believes: the session must be the token's
subject's, the role is read from the database on every request (never from the ``role``
claim), and a deactivated account stops working on its next request — sessions, sign-in and
API keys alike — until two admins reactivate it."""

from __future__ import annotations

import uuid

import httpx
import jwt
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.auth.tokens import issue_access_token
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.identity.api_keys import service as api_keys
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_approvals import Staff, _person


def _forged(infra: Stack, *, sub: str, sid: str, role: str) -> dict[str, str]:
    """A token signed with the deployment's own secret (as if it leaked, or a bug minted it)."""
    token = issue_access_token(
        user_id=uuid.UUID(sub),
        role=role,
        session_id=uuid.UUID(sid),
        secret=infra.settings.auth.jwt_secret.get_secret_value(),
        issuer=infra.settings.auth.issuer,
        ttl_seconds=600,
        now=utcnow(),
    )
    return {"Authorization": f"Bearer {token}"}


def _sid(person: Staff) -> str:
    token = person.headers["Authorization"].removeprefix("Bearer ")
    sid: str = jwt.decode(token, options={"verify_signature": False})["sid"]
    return sid


async def test_a_session_of_someone_else_is_refused(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], infra: Stack
) -> None:
    alice = await _person(client, sessions, "customer")
    bob = await _person(client, sessions, "customer")
    assert (await client.get("/v1/me", headers=bob.headers)).json()["id"] == bob.user_id
    forged = _forged(infra, sub=bob.user_id, sid=_sid(alice), role="customer")
    r = await client.get("/v1/me", headers=forged)
    assert (r.status_code, r.json()["code"]) == (401, "invalid_token")


async def test_a_role_claim_opens_nothing(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], infra: Stack
) -> None:
    mallory = await _person(client, sessions, "customer")
    forged = _forged(infra, sub=mallory.user_id, sid=_sid(mallory), role="admin")
    r = await client.get("/v1/admin/orders", headers=forged)
    assert (r.status_code, r.json()["code"]) == (403, "permission_denied")
    assert (await client.get("/v1/me", headers=forged)).status_code == 200  # still herself


async def test_a_role_change_applies_on_the_next_request(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Even where no session was revoked (a direct database change, a restore)."""
    support = await _person(client, sessions, "support")
    assert (await client.get("/v1/admin/orders", headers=support.headers)).status_code == 200
    async with unit_of_work(sessions) as session:
        await session.execute(
            text("UPDATE users SET role = 'customer' WHERE id = :id"), {"id": support.user_id}
        )
    r = await client.get("/v1/admin/orders", headers=support.headers)
    assert (r.status_code, r.json()["code"]) == (403, "permission_denied")


async def test_a_deactivated_account_stops_at_once_and_two_admins_bring_it_back(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], infra: Stack
) -> None:
    alice = await _person(client, sessions, "admin")
    bob = await _person(client, sessions, "admin")
    leaver = await _person(client, sessions, "customer")
    async with unit_of_work(sessions) as session:  # the route needs a second factor: test_api_keys
        _, key = await api_keys.create_key(
            session,
            owner_id=uuid.UUID(leaver.user_id),
            role="customer",
            name="leaver's script",
            scopes=["orders:read_own"],
            expires_at=None,
            policy=api_keys.KeyPolicy.from_settings(infra.settings.api_keys),
            now=utcnow(),
        )
    secret = {"Authorization": f"Bearer {key}"}
    assert (await client.get("/v1/orders", headers=secret)).status_code == 200

    own = await alice.post(f"/v1/admin/users/{alice.user_id}/deactivate", {})
    assert (own.status_code, own.json()["code"]) == (409, "cannot_deactivate_self")
    r = await alice.post(f"/v1/admin/users/{leaver.user_id}/deactivate", {"reason": "left"})
    assert r.status_code == 200, r.text

    assert (await client.get("/v1/me", headers=leaver.headers)).status_code == 401
    assert (await client.get("/v1/orders", headers=secret)).status_code == 401
    email = leaver.email
    login = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert (login.status_code, login.json()["code"]) == (403, "account_deactivated")
    wrong = await client.post("/v1/auth/login", json={"email": email, "password": "x" * 12})
    assert wrong.json()["code"] == "invalid_credentials"  # no hint without the password

    proposed = await alice.post(f"/v1/admin/users/{leaver.user_id}/reactivate", {})
    assert proposed.status_code == 202, proposed.text
    url = f"/v1/approvals/{proposed.json()['id']}/approve"
    assert (await alice.post(url, {})).json()["code"] == "four_eyes_violation"
    assert (await bob.post(url, {})).status_code == 200
    login = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    again = await alice.post(f"/v1/admin/users/{leaver.user_id}/reactivate", {})
    assert (again.status_code, again.json()["code"]) == (409, "account_not_deactivated")
