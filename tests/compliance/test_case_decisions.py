"""Scenario: a sanctions hit holds an order; compliance officers work the case and decide it.
A release above the threshold needs a second officer and then completes on-chain; a refund
moves the order to refund_pending; a decided case takes no other decision."""

from __future__ import annotations

import uuid

import httpx
from schwifty import IBAN
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import orders
from onramp.core.audit import AuditRecord
from onramp.devstack.stack import Stack
from tests.compliance.conftest import StaffFactory, case_of, held_order, wait_for_state
from tests.e2e.mfa_people import Person


async def _actions(sessions: async_sessionmaker[AsyncSession], entity_id: str) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(AuditRecord.action)
            .where(AuditRecord.entity_id == entity_id)
            .order_by(AuditRecord.id)
        )
        return list(rows.all())


async def test_a_release_above_the_threshold_needs_a_second_officer_then_pays_out(
    stack: Stack,
    person: Person,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    staff_desk: StaffFactory,
) -> None:
    alice = await staff_desk("compliance_officer")
    bob = await staff_desk("compliance_officer")
    order = await held_order(person, bank, sessions)
    case = await case_of(alice, sessions, order["id"])
    assert case["status"] == "open"
    # The deposit's screen holds it; the re-screen after the list load may have alerted too.
    kinds = {(a["kind"], a["action"]) for a in case["alerts"]}
    assert ("sanctions_address", "hold") in kinds
    assert {kind for kind, _ in kinds} == {"sanctions_address"}
    assert [(o["id"], o["state"], o["source_amount"]) for o in case["orders"]] == [
        (order["id"], "manual_review", "100.00")
    ]
    url = f"/v1/compliance/cases/{case['id']}"

    claimed = await alice.post(f"{url}/assign", {"assignee_id": "me"})
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["assignee_id"] == alice.user_id

    # 100 EUR is above this desk's 50 EUR threshold: the release waits for a second officer.
    requested = await alice.post(
        f"{url}/decision", {"decision": "release", "reason": "name match is a false positive"}
    )
    assert requested.status_code == 202, requested.text
    pending = requested.json()
    assert pending["status"] == "pending_approval"
    assert pending["case"]["status"] == "open"
    approval = f"/v1/approvals/{pending['approval_id']}/approve"
    assert (await wait_for_state(person, order["id"], "manual_review"))["state"] == "manual_review"

    # Nothing else may be decided meanwhile, and the requester cannot approve it.
    meanwhile = await bob.post(
        f"{url}/decision", {"decision": "reject_refund", "reason": "refund it"}
    )
    assert meanwhile.status_code == 409
    assert meanwhile.json()["code"] == "compliance_case_decision_pending"
    own = await alice.post(approval, {"reason": "looks fine to me"})
    assert own.status_code == 403
    assert own.json()["code"] == "four_eyes_violation"

    approved = await bob.post(approval, {"reason": "agree: different person"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["result"]["orders"] == [order["id"]]
    twice = await bob.post(approval, {})
    assert twice.status_code == 409

    # The order continues on the saga's path: priced at funds time, paid on-chain.
    done = await wait_for_state(person, order["id"], "completed")
    assert done["payout"]["tx_hash"]
    assert done["payout"]["to"] == order["destination_address"]
    states = [h["to_state"] for h in done["history"]]
    assert states[states.index("manual_review") :] == [
        "manual_review",
        "priced",
        "payout_queued",
        "payout_broadcast",
        "completed",
    ]
    priced = next(h for h in done["history"] if h["to_state"] == "priced")
    assert priced["reason"] in ("firm quote", "priced at funds time")

    closed = (await bob.get(url)).json()
    assert (closed["status"], closed["decision"]) == ("closed", "release")
    assert closed["decision_reason"] == "name match is a false positive"
    assert closed["decision_data"]["approved_by"] == bob.user_id
    assert closed["decided_by"] == f"user:{alice.user_id}"
    again = await bob.post(f"{url}/decision", {"decision": "file_sar", "reason": "second go"})
    assert again.status_code == 409
    assert again.json()["code"] == "compliance_case_decided"

    actions = await _actions(sessions, case["id"])
    assert {
        "compliance.case_assigned",
        "compliance.case_release_requested",
        "compliance.case_decided",
    } <= set(actions)


async def test_reject_and_refund_then_the_case_is_closed_to_decisions(
    stack: Stack,
    person: Person,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    staff_desk: StaffFactory,
) -> None:
    carol = await staff_desk("compliance_officer")
    account = str(uuid.uuid4().int % 10**9)
    sender = str(IBAN.generate("DE", bank_code="37040044", account_code=account))
    order = await held_order(person, bank, sessions, sender_iban=sender)
    case = await case_of(carol, sessions, order["id"])
    url = f"/v1/compliance/cases/{case['id']}"

    short = await carol.post(f"{url}/decision", {"decision": "reject_refund", "reason": ""})
    assert short.status_code == 422
    unknown = await carol.post(f"{url}/decision", {"decision": "shrug", "reason": "because"})
    assert unknown.status_code == 422
    assert (await case_of(carol, sessions, order["id"]))["status"] == "open"

    decided = await carol.post(
        f"{url}/decision", {"decision": "reject_refund", "reason": "confirmed listed wallet"}
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "decided"
    assert decided.json()["orders"] == [order["id"]]
    # The deposit goes back to the account it came from; the bank books it; refunded.
    refunded = await wait_for_state(person, order["id"], "refunded")
    assert [h["to_state"] for h in refunded["history"]][-4:] == [
        "manual_review",
        "rejected",
        "refund_pending",
        "refunded",
    ]
    assert refunded["payout"] is None
    (refund,) = refunded["refunds"]
    assert (refund["amount"], refund["currency"], refund["status"]) == (
        "100.00",
        "EUR",
        "completed",
    )
    (payment,) = (await bank.get("/payments", params={"creditor_account": sender})).json()["data"]
    assert (payment["amount"], payment["currency"], payment["status"]) == (
        "100.00",
        "EUR",
        "booked",
    )
    assert payment["creditor_name"] == "Test Customer"
    # The customer reads no finding: the officer's reason stays with the case.
    assert "listed" not in str(refunded["history"])
    async with sessions() as session:
        history = await orders.history_of(session, uuid.UUID(order["id"]))
    assert history[-3].reason == "compliance: confirmed listed wallet"

    for decision in ("release", "reject_refund", "file_sar"):
        again = await carol.post(f"{url}/decision", {"decision": decision, "reason": "again"})
        assert again.status_code == 409
        assert again.json()["code"] == "compliance_case_decided"
    reassign = await carol.post(f"{url}/assign", {"assignee_id": "me"})
    assert reassign.json()["code"] == "compliance_case_decided"
    assert "compliance.case_decided" in await _actions(sessions, case["id"])


async def test_a_small_release_is_immediate_and_a_rejected_request_frees_the_case(
    stack: Stack,
    person: Person,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    staff_desk: StaffFactory,
    default_desk: StaffFactory,
) -> None:
    # On the strict desk (50 EUR) a release waits; a rejected request lets the case be decided.
    frank = await staff_desk("compliance_officer")
    admin = await staff_desk("admin")
    first = await held_order(person, bank, sessions)
    case = await case_of(frank, sessions, first["id"])
    url = f"/v1/compliance/cases/{case['id']}"
    requested = await frank.post(
        f"{url}/decision", {"decision": "release", "reason": "looks clear"}
    )
    assert requested.status_code == 202, requested.text
    approval_id = requested.json()["approval_id"]
    turned_down = await admin.post(f"/v1/approvals/{approval_id}/reject", {"reason": "not yet"})
    assert turned_down.json()["status"] == "rejected"
    assert (await frank.get(url)).json()["status"] == "open"

    # Under the default 1,000 EUR threshold, one officer's release goes through at once.
    gina = await default_desk("compliance_officer")
    released = await gina.post(f"{url}/decision", {"decision": "release", "reason": "cleared"})
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "decided"
    assert released.json()["case"]["decision_data"]["orders"] == [first["id"]]
    assert released.json()["case"]["decided_by"] == f"user:{gina.user_id}"
    done = await wait_for_state(person, first["id"], "completed")
    assert done["payout"]["tx_hash"]
