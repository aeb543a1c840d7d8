"""Four eyes: a role change proposed by one admin happens only when another approves it."""

from __future__ import annotations

import uuid

import httpx
import pyotp
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.audit import AuditRecord
from onramp.core.db import unit_of_work
from tests.e2e.conftest import PASSWORD, as_if_logged_in_with_mfa


class Staff:
    def __init__(self, client: httpx.AsyncClient, user_id: str, token: str, email: str) -> None:
        self.client, self.user_id, self.email = client, user_id, email
        self.headers = {"Authorization": f"Bearer {token}"}

    async def post(self, url: str, body: dict[str, object]) -> httpx.Response:
        return await self.client.post(url, json=body, headers=self.headers)


async def _person(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], role: str
) -> Staff:
    email = f"{role}.{uuid.uuid4().hex}@example.com"
    r = await client.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "P"}
    )
    user_id = r.json()["id"]
    async with unit_of_work(sessions) as session:
        await session.execute(
            text("UPDATE users SET role = :r WHERE id = :id"), {"r": role, "id": user_id}
        )
    login = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    await as_if_logged_in_with_mfa(sessions, user_id)  # staff need a second factor
    return Staff(client, user_id, login.json()["access_token"], email)


async def test_a_role_change_needs_a_second_admin(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    alice = await _person(client, sessions, "admin")
    bob = await _person(client, sessions, "admin")
    carol = await _person(client, sessions, "compliance_officer")
    dave = await _person(client, sessions, "customer")

    proposed = await alice.post(f"/v1/admin/users/{dave.user_id}/role", {"role": "support"})
    assert proposed.status_code == 202, proposed.text
    request = proposed.json()
    assert request["status"] == "pending"
    url = f"/v1/approvals/{request['id']}/approve"

    own = await alice.post(url, {})
    assert own.status_code == 403
    assert own.json()["code"] == "four_eyes_violation"
    officer = await carol.post(url, {})  # may decide approvals, but not role changes
    assert officer.status_code == 403
    assert officer.json()["code"] == "permission_denied"
    customer = await dave.post(url, {})
    assert customer.status_code == 403

    approved = await bob.post(url, {"reason": "joins the support team"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["result"] == {
        "user_id": dave.user_id,
        "from": "customer",
        "to": "support",
    }
    again = await bob.post(url, {})
    assert again.status_code == 409
    assert again.json()["code"] == "approval_already_decided"

    # The new role applies at once: the old session is over.
    assert (await client.get("/v1/orders", headers=dave.headers)).status_code == 401
    async with sessions() as session:
        role = await session.scalar(
            text("SELECT role FROM users WHERE id = :id"), {"id": dave.user_id}
        )
        actions = set(
            await session.scalars(
                select(AuditRecord.action).where(
                    AuditRecord.entity_id.in_([request["id"], dave.user_id])
                )
            )
        )
    assert role == "support"
    assert {"approval.requested", "approval.approved", "auth.role_changed"} <= actions


async def test_a_rejected_request_changes_nothing(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    alice = await _person(client, sessions, "admin")
    bob = await _person(client, sessions, "admin")
    erin = await _person(client, sessions, "customer")
    request = (await alice.post(f"/v1/admin/users/{erin.user_id}/role", {"role": "admin"})).json()
    rejected = await bob.post(f"/v1/approvals/{request['id']}/reject", {"reason": "no"})
    assert rejected.json()["status"] == "rejected"
    pending = await client.get("/v1/approvals", params={"status": "pending"}, headers=bob.headers)
    assert request["id"] not in {r["id"] for r in pending.json()["data"]}
    assert (await client.get("/v1/orders", headers=erin.headers)).status_code == 200


async def test_bad_proposals(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    alice = await _person(client, sessions, "admin")
    bad_role = await alice.post(f"/v1/admin/users/{alice.user_id}/role", {"role": "king"})
    assert bad_role.json()["code"] == "role_invalid"
    nobody = await alice.post(f"/v1/admin/users/{uuid.uuid4()}/role", {"role": "support"})
    assert nobody.status_code == 404
    assert nobody.json()["code"] == "user_not_found"


async def test_staff_without_a_second_factor_may_only_enrol_one(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    email = f"admin.{uuid.uuid4().hex}@example.com"
    r = await client.post(
        "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "N"}
    )
    async with unit_of_work(sessions) as session:
        await session.execute(
            text("UPDATE users SET role = 'admin' WHERE id = :id"), {"id": r.json()["id"]}
        )
    login = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    denied = await client.get("/v1/approvals", headers=headers)
    assert denied.status_code == 403
    assert denied.json()["code"] == "staff_mfa_required"
    assert (await client.get("/v1/me", headers=headers)).status_code == 200
    enrol = await client.post("/v1/me/mfa/totp", headers=headers)
    assert enrol.status_code == 200
    code = pyotp.TOTP(enrol.json()["secret"]).now()
    confirmed = await client.post("/v1/me/mfa/totp/confirm", json={"code": code}, headers=headers)
    assert confirmed.status_code == 200
    # Confirming proved the factor in this session: staff routes open.
    assert (await client.get("/v1/approvals", headers=headers)).status_code == 200
