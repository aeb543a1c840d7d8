"""The back office's read routes: the audit log (filtered, paged, its chain verified), the staff
list, and the approvals waiting for the caller; auditors read them all and decide nothing."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.e2e.test_approvals import _person


async def test_the_audit_log_is_filtered_paged_and_verified(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    admin = await _person(client, sessions, "admin")
    auditor = await _person(client, sessions, "auditor")
    customer = await _person(client, sessions, "customer")
    for role in ("support", "treasurer"):
        proposed = await admin.post(f"/v1/admin/users/{customer.user_id}/role", {"role": role})
        assert proposed.status_code == 202, proposed.text

    mine: dict[str, str | int] = {
        "actor": f"user:{admin.user_id}",
        "action": "approval.",
        "limit": 1,
    }
    first = await client.get("/v1/admin/audit", params=mine, headers=auditor.headers)
    assert first.status_code == 200, first.text
    [newest] = first.json()["data"]
    assert newest["action"] == "approval.requested"
    assert newest["data"]["payload"]["role"] == "treasurer"  # newest first
    after = {**mine, "before": first.json()["next_before"]}
    second = await client.get("/v1/admin/audit", params=after, headers=auditor.headers)
    [older] = second.json()["data"]
    assert older["data"]["payload"]["role"] == "support"
    third = await client.get(
        "/v1/admin/audit",
        params={**mine, "before": second.json()["next_before"]},
        headers=auditor.headers,
    )
    assert third.json() == {"data": [], "next_before": None}

    by_object = await client.get(
        "/v1/admin/audit",
        params={"entity_type": "approval", "entity_id": newest["entity_id"]},
        headers=auditor.headers,
    )
    assert [r["id"] for r in by_object.json()["data"]] == [newest["id"]]
    window = {"since": "2030-01-02T00:00:00Z", "until": "2030-01-01T00:00:00Z"}
    backwards = await client.get("/v1/admin/audit", params=window, headers=auditor.headers)
    assert backwards.status_code == 422
    assert backwards.json()["code"] == "audit_filter_invalid"
    naive = await client.get(
        "/v1/admin/audit", params={"since": "2030-01-01T00:00:00"}, headers=auditor.headers
    )
    assert naive.json()["code"] == "audit_filter_invalid"

    checked = await client.get("/v1/admin/audit/verification", headers=auditor.headers)
    assert checked.status_code == 200, checked.text
    chain = checked.json()
    assert chain["intact"] is (chain["problems"] == [])
    assert chain["last_seq"] is None or chain["last_seq"] >= 1
    # Admins read the log too (they answer for the staff whose actions it holds); a customer
    # does not.
    read = await client.get("/v1/admin/audit", params={"limit": 1}, headers=admin.headers)
    assert read.status_code == 200, read.text
    refused = await client.get("/v1/admin/audit", headers=customer.headers)
    assert refused.status_code == 403


async def test_the_staff_list_and_approvals_waiting_for_me(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    alice = await _person(client, sessions, "admin")
    bob = await _person(client, sessions, "admin")
    officer = await _person(client, sessions, "compliance_officer")
    auditor = await _person(client, sessions, "auditor")
    support = await _person(client, sessions, "support")

    listed = await client.get(
        "/v1/admin/users", params={"role": "support", "limit": 200}, headers=auditor.headers
    )
    assert listed.status_code == 200, listed.text
    found = next(u for u in listed.json()["data"] if u["id"] == support.user_id)
    assert found == {**found, "email": support.email, "role": "support", "deactivated_at": None}
    everyone = await client.get("/v1/admin/users", params={"limit": 200}, headers=bob.headers)
    assert "customer" not in {u["role"] for u in everyone.json()["data"]}
    not_staff = await client.get(
        "/v1/admin/users", params={"role": "customer"}, headers=bob.headers
    )
    assert not_staff.status_code == 422
    assert not_staff.json()["code"] == "role_invalid"

    deactivated = await alice.post(f"/v1/admin/users/{support.user_id}/deactivate", {})
    assert deactivated.status_code == 200, deactivated.text
    gone = await client.get(
        "/v1/admin/users", params={"status": "deactivated", "limit": 200}, headers=bob.headers
    )
    assert support.user_id in {u["id"] for u in gone.json()["data"]}
    proposed = await alice.post(f"/v1/admin/users/{support.user_id}/reactivate", {})
    assert proposed.status_code == 202, proposed.text

    async def waiting(person_headers: dict[str, str]) -> set[str]:
        answer = await client.get(
            "/v1/approvals", params={"waiting_for_me": "true"}, headers=person_headers
        )
        assert answer.status_code == 200, answer.text
        return {r["id"] for r in answer.json()["data"]}

    request_id = proposed.json()["id"]
    assert request_id in await waiting(bob.headers)  # another admin decides it
    assert request_id not in await waiting(alice.headers)  # not the one who asked
    assert request_id not in await waiting(officer.headers)  # not a role change's role
    assert await waiting(auditor.headers) == set()  # auditors read, never decide
    read = await client.get("/v1/approvals", headers=auditor.headers)
    assert request_id in {r["id"] for r in read.json()["data"]}
    decided = await auditor.post(f"/v1/approvals/{request_id}/approve", {})
    assert decided.status_code == 403
