"""``/v1/admin/treasury/circuit-breaker`` on an in-process API: who may read, trip and resume,
and the four-eyes rule, with problem+json errors."""

from __future__ import annotations

import httpx

from tests.compliance.conftest import StaffFactory, default_desk

__all__ = ["default_desk"]

URL = "/v1/admin/treasury/circuit-breaker"


def _problem(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == code


async def test_trip_and_four_eyes_resume_over_the_api(
    closed_breaker: None, default_desk: StaffFactory
) -> None:
    auditor, alice, bob = (
        await default_desk("auditor"),
        await default_desk("treasurer"),
        await default_desk("treasurer"),
    )
    seen = await auditor.get(URL)
    assert seen.status_code == 200, seen.text
    assert seen.json()["state"] == "closed"
    assert (seen.json()["vault_paused"], seen.json()["vault_paused_elsewhere"]) == (False, False)
    _problem(await auditor.post(f"{URL}/trip", {"reason": "looks odd"}), 403, "permission_denied")
    _problem(
        await alice.post(f"{URL}/resume", {"reason": "all good"}), 409, "circuit_breaker_not_open"
    )

    tripped = await alice.post(f"{URL}/trip", {"reason": "payouts to a fresh address cluster"})
    assert tripped.status_code == 200, tripped.text
    assert tripped.json()["state"] == "open"
    assert tripped.json()["trigger"] == "manual"
    assert tripped.json()["opened_by"] == f"user:{alice.user_id}"

    requested = await alice.post(f"{URL}/resume", {"reason": "cluster is a known exchange"})
    assert requested.status_code == 202, requested.text
    approval_id = requested.json()["approval_id"]
    _problem(await alice.post(f"{URL}/resume/{approval_id}/approve"), 403, "four_eyes_violation")
    assert (await auditor.get(URL)).json()["state"] == "open"

    approved = await bob.post(f"{URL}/resume/{approval_id}/approve", {"reason": "agreed"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "resuming"
    assert approved.json()["resumed_by"] == f"user:{bob.user_id}"
    _problem(await bob.post(f"{URL}/resume/{approval_id}/approve"), 409, "approval_already_decided")
