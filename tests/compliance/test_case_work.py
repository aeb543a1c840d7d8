"""Working a case: the queue, notes and evidence (sealed at rest), the SAR draft (JSON and PDF)
after a file_sar decision; who may do what (customers and auditors write nothing), unknown
cases and evidence are not found, and bad input changes nothing."""

from __future__ import annotations

import hashlib
import uuid

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.devstack.stack import Stack
from tests.compliance.conftest import StaffFactory, case_of, held_order, wait_for_state
from tests.e2e.mfa_people import Person

EVIDENCE = b"statement: 100.00 EUR from GB33BUKB20201555555555 to the treasury\n"


async def test_notes_evidence_and_a_sar_for_a_blocked_order(
    stack: Stack,
    person: Person,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    staff_desk: StaffFactory,
) -> None:
    dana = await staff_desk("compliance_officer")
    erik = await staff_desk("compliance_officer")
    order = await held_order(person, bank, sessions)
    case = await case_of(dana, sessions, order["id"])
    url = f"/v1/compliance/cases/{case['id']}"

    # The queue: the case is open, high, and (once assigned) in erik's list, not dana's.
    assigned = await dana.post(f"{url}/assign", {"assignee_id": erik.user_id})
    assert assigned.status_code == 200, assigned.text
    mine = await erik.get("/v1/compliance/cases", params={"assignee": "me", "status": "open"})
    assert [c["id"] for c in mine.json()["data"]] == [case["id"]]
    theirs = await dana.get("/v1/compliance/cases", params={"assignee": "me"})
    assert case["id"] not in {c["id"] for c in theirs.json()["data"]}
    by_severity = await dana.get(
        "/v1/compliance/cases", params={"order": "severity", "severity": "high", "limit": 1}
    )
    assert by_severity.status_code == 200
    assert [c["severity"] for c in by_severity.json()["data"]] == ["high"]
    bad_cursor = await dana.get("/v1/compliance/cases", params={"cursor": "nonsense"})
    assert bad_cursor.status_code == 422
    assert bad_cursor.json()["code"] == "cursor_invalid"
    customer_id = (await person.client.get("/v1/me")).json()["id"]
    not_officer = await dana.post(f"{url}/assign", {"assignee_id": customer_id})
    assert not_officer.status_code == 422
    assert not_officer.json()["code"] == "assignee_not_officer"

    # A note and a piece of evidence; both are sealed at rest.
    note = await erik.post(f"{url}/comments", {"body": "Customer says the wallet is a friend's"})
    assert note.status_code == 201, note.text
    uploaded = await erik.upload(
        f"{url}/attachments?filename=statement.txt", EVIDENCE, "text/plain"
    )
    assert uploaded.status_code == 201, uploaded.text
    attachment = uploaded.json()
    assert attachment["sha256"] == hashlib.sha256(EVIDENCE).hexdigest()
    assert attachment["size_bytes"] == len(EVIDENCE)
    download = await dana.get(f"{url}/attachments/{attachment['id']}")
    assert download.status_code == 200
    assert download.content == EVIDENCE
    assert download.headers["content-type"].startswith("text/plain")
    assert download.headers["content-disposition"].startswith("attachment")
    async with sessions() as session:
        stored = await session.scalar(
            text("SELECT content_sealed FROM compliance_case_attachments WHERE id = :id"),
            {"id": uuid.UUID(attachment["id"])},
        )
        note_sealed = await session.scalar(
            text("SELECT body_sealed FROM compliance_case_comments WHERE case_id = :id"),
            {"id": uuid.UUID(case["id"])},
        )
    assert b"GB33BUKB" not in stored
    assert b"friend" not in note_sealed

    # Evidence that may not be attached changes nothing.
    refused = [
        await erik.upload(f"{url}/attachments?filename=x.html", b"<script>", "text/html"),
        await erik.upload(f"{url}/attachments?filename=big.txt", b"x" * 1025, "text/plain"),
        await erik.upload(f"{url}/attachments?filename=empty.txt", b"", "text/plain"),
        await erik.upload(f"{url}/attachments", b"no name", "text/plain"),
    ]
    assert [r.json()["code"] for r in refused] == [
        "attachment_type_refused",
        "attachment_too_large",
        "attachment_empty",
        "attachment_filename_missing",
    ]
    detail = (await erik.get(url)).json()
    assert [a["filename"] for a in detail["attachments"]] == ["statement.txt"]
    assert [c["body"] for c in detail["comments"]] == ["Customer says the wallet is a friend's"]

    # File a SAR and keep the order blocked: it stays in review, the funds frozen.
    filed = await erik.post(
        f"{url}/decision",
        {"decision": "file_sar", "reason": "structuring to a listed wallet", "sar_orders": "block"},
    )
    assert filed.status_code == 200, filed.text
    assert filed.json()["case"]["decision_data"]["orders_disposition"] == "blocked"
    assert (await wait_for_state(person, order["id"], "manual_review"))["payout"] is None

    report = await erik.get(f"{url}/sar")
    assert report.status_code == 200, report.text
    sar = report.json()
    assert sar["report"]["status"] == "draft"
    assert sar["institution"]["name"]
    subject = sar["subjects"][0]
    assert subject["customer_id"] == case["customer_id"]
    assert subject["email"] == person.email
    assert subject["full_name"] == "M"
    assert [(t["order_id"], t["amount"], t["currency"]) for t in sar["transactions"]] == [
        (order["id"], "100.00", "EUR")
    ]
    assert sar["transactions"][0]["sender_name"] == "Test Customer"
    assert {a["kind"] for a in sar["alerts"]} == {"sanctions_address"}
    assert {a["evidence"]["entry_uid"] for a in sar["alerts"]} == {"44718"}
    assert sar["attachments"][0]["sha256"] == attachment["sha256"]
    assert "structuring to a listed wallet" in sar["narrative"]
    assert "a friend's" in sar["narrative"]
    assert [s["id"] for s in sar["sections"]][0] == "institution"

    for pdf in (
        await erik.get(f"{url}/sar", params={"format": "pdf"}),
        await erik.get(f"{url}/sar", headers={"Accept": "application/pdf"}),
    ):
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")


async def test_customers_and_auditors_write_nothing_and_unknown_cases_are_not_found(
    stack: Stack,
    person: Person,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    staff_desk: StaffFactory,
) -> None:
    officer = await staff_desk("compliance_officer")
    auditor = await staff_desk("auditor")
    support = await staff_desk("support")
    order = await held_order(person, bank, sessions)
    case = await case_of(officer, sessions, order["id"])
    url = f"/v1/compliance/cases/{case['id']}"
    decide = {"decision": "release", "reason": "let it go"}

    # The customer whose order it is sees nothing of the case and decides nothing.
    customer_get = await person.client.get(url)
    assert customer_get.status_code == 403
    assert (await person.client.get("/v1/compliance/cases")).status_code == 403
    customer_post = await person.client.post(f"{url}/decision", json=decide)
    assert customer_post.status_code == 403

    # The auditor reads the queue and the case, and writes nothing.
    assert (await auditor.get("/v1/compliance/cases")).status_code == 200
    assert (await auditor.get(url)).status_code == 200
    writes = [
        await auditor.post(f"{url}/decision", decide),
        await auditor.post(f"{url}/assign", {"assignee_id": "me"}),
        await auditor.post(f"{url}/comments", {"body": "hello"}),
        await auditor.upload(f"{url}/attachments?filename=a.txt", b"a", "text/plain"),
        await auditor.get(f"{url}/sar"),
    ]
    assert [r.status_code for r in writes] == [403] * 5
    assert {r.json()["code"] for r in writes} == {"permission_denied"}
    assert (await support.get(url)).status_code == 403

    # Unknown cases and evidence of another case are not found; nothing changed.
    nobody = f"/v1/compliance/cases/{uuid.uuid4()}"
    for r in (
        await officer.get(nobody),
        await officer.post(f"{nobody}/decision", decide),
        await officer.post(f"{nobody}/assign", {"assignee_id": "me"}),
        await officer.post(f"{nobody}/comments", {"body": "x"}),
        await officer.get(f"{nobody}/sar"),
        await auditor.get(nobody),
    ):
        assert r.status_code == 404, r.text
        assert r.json()["code"] == "compliance_case_not_found"
    other = await officer.upload(f"{url}/attachments?filename=a.txt", b"evidence", "text/plain")
    elsewhere = await officer.get(f"{nobody}/attachments/{other.json()['id']}")
    assert elsewhere.json()["code"] == "compliance_attachment_not_found"
    after = (await officer.get(url)).json()
    assert (after["status"], after["assignee_id"], after["comments"]) == ("open", None, [])
    assert (await wait_for_state(person, order["id"], "manual_review"))["state"] == "manual_review"
