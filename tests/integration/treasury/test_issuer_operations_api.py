"""``/v1/admin/treasury/redeems`` and ``/issuer-operations`` on an in-process API: a redeem asked
for by one treasurer is stored only when a second approves it, then listed with its state and
the command that sends it; an auditor reads the list and asks for nothing."""

from __future__ import annotations

import httpx

from tests.compliance.conftest import StaffFactory, default_desk

__all__ = ["default_desk"]

LIST = "/v1/admin/treasury/issuer-operations"
REDEEMS = "/v1/admin/treasury/redeems"


def _problem(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.json()["code"] == code


async def test_a_redeem_is_listed_once_a_second_treasurer_approves_it(
    default_desk: StaffFactory,
) -> None:
    auditor, alice, bob = (
        await default_desk("auditor"),
        await default_desk("treasurer"),
        await default_desk("treasurer"),
    )
    _problem(await auditor.post(REDEEMS, {"amount": "250", "note": "x"}), 403, "permission_denied")
    _problem(
        await alice.post(REDEEMS, {"amount": "250.005", "note": "sub-cent"}),
        422,
        "issuer_amount_not_whole_cents",
    )
    asked = await alice.post(REDEEMS, {"amount": "250.10", "note": "the vault holds too much"})
    assert asked.status_code == 202, asked.text
    approval = asked.json()["approval_id"]
    _problem(await alice.post(f"/v1/approvals/{approval}/approve"), 403, "four_eyes_violation")
    mine = f"user:{alice.user_id}"
    before_approval = (await auditor.get(LIST, params={"kind": "redeem", "limit": 200})).json()
    assert all(o["requested_by"] != mine for o in before_approval["data"])

    approved = await bob.post(f"/v1/approvals/{approval}/approve", {"reason": "agreed"})
    assert approved.status_code == 200, approved.text
    listed = await auditor.get(LIST, params={"kind": "redeem"})
    assert listed.status_code == 200, listed.text
    newest = listed.json()["data"][0]
    assert (newest["kind"], newest["status"], newest["amount"]) == (
        "redeem",
        "requested",
        "250.100000",
    )
    assert newest["requested_by"] == mine
    assert newest["idempotency_key"].startswith("approved-redeem-")
    assert newest["send_with"] == (
        f"onramp issuer redeem --amount 250.100000 --key {newest['idempotency_key']}"
    )
    mints = (await auditor.get(LIST, params={"kind": "mint"})).json()["data"]
    assert all(o["kind"] == "mint" for o in mints)
    assert newest["id"] not in {o["id"] for o in mints}


async def test_the_operations_page_by_page(default_desk: StaffFactory) -> None:
    alice, bob = await default_desk("treasurer"), await default_desk("treasurer")
    for amount in ("1", "2"):
        asked = await alice.post(REDEEMS, {"amount": amount, "note": "paging"})
        await bob.post(f"/v1/approvals/{asked.json()['approval_id']}/approve", {"reason": "ok"})
    first = (await bob.get(LIST, params={"limit": 1})).json()
    assert first["data"][0]["amount"] == "2.000000"
    second = (await bob.get(LIST, params={"limit": 1, "before": first["next_before"]})).json()
    assert second["data"][0]["amount"] == "1.000000"
    _problem(await bob.get(LIST, params={"status": "nope"}), 422, "request_invalid")
