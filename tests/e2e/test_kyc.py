"""KYC over the running stack: submissions go to the KYC sandbox, verdicts come back as its
signed webhooks, each applied once; tiers follow, and expire after the review period."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onramp.core.audit import AuditRecord
from onramp.core.db import unit_of_work
from onramp.devstack.kyc_sandbox import SIGNATURE_HEADER
from onramp.devstack.stack import Stack
from onramp.kyc import purge_personal_data, tier_of
from onramp.kyc.adapters.signature import signature_for
from onramp.kyc.models import KycCase, KycVendorEvent
from onramp.kyc.worker import run_review_expiry
from tests.e2e.conftest import (
    PASSWORD,
    Customer,
    as_if_logged_in_with_mfa,
    person_of_tier,
    register,
)
from tests.e2e.mfa_people import Person


# Customers here start with no verified identity (tier 0): the flow under test grants it.
@pytest.fixture
async def customer(stack: Stack) -> AsyncIterator[Customer]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client:
        yield await register(client, stack, kyc_tier=0)


@pytest.fixture
async def person(
    infra: Stack, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Person]:
    async with person_of_tier(infra, engine, sessions, 0) as p:
        yield p


def submission(surname: str, *, tier: int = 1, given: str = "Ada") -> dict[str, Any]:
    documents = [{"type": "passport", "filename": "passport.png", "content_base64": "aGk="}]
    if tier == 2:
        documents.append({"type": "proof_of_address", "filename": "utility-bill.pdf"})
    return {
        "tier": tier,
        "given_names": given,
        "surname": surname,
        "date_of_birth": "1990-05-17",
        "nationality": "DE",
        "address": {
            "line1": "Hauptstrasse 1",
            "city": "Berlin",
            "postal_code": "10115",
            "country": "DE",
        },
        "documents": documents,
    }


async def submit(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/v1/me/kyc", json=body)
    assert response.status_code == 202, response.text
    status: dict[str, Any] = response.json()
    assert status["case"]["status"] == "pending"
    assert status["next_step"] == "wait"
    return status


async def wait_for(client: httpx.AsyncClient, case_status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while True:
        response = await client.get("/v1/me/kyc")
        assert response.status_code == 200, response.text
        status: dict[str, Any] = response.json()
        if status["case"] and status["case"]["status"] == case_status:
            return status
        assert time.monotonic() < deadline, f"KYC case is {status['case']}, not {case_status}"
        await asyncio.sleep(0.05)


async def audit_actions(sessions: async_sessionmaker[AsyncSession], case_id: str) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(AuditRecord.action)
            .where(AuditRecord.entity_id == case_id)
            .order_by(AuditRecord.id)
        )
        return list(rows.all())


async def test_approved_path_grants_tier_1_with_its_limits(
    customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    before = (await customer.client.get("/v1/me/kyc")).json()
    assert before["tier"] == 0
    assert before["next_step"] == "submit"
    assert before["limits"] == {"daily_eur": "0.00", "monthly_eur": "0.00"}
    submitted = await submit(customer.client, submission("Lovelace"))
    status = await wait_for(customer.client, "approved")
    assert status["tier"] == 1
    assert status["limits"] == {"daily_eur": "1000.00", "monthly_eur": "5000.00"}
    assert status["next_step"] == "none"
    case = status["case"]
    assert case["id"] == submitted["case"]["id"]
    assert case["tier_granted"] == 1
    assert case["reasons"] == []
    assert case["expires_at"] is not None
    actions = await audit_actions(sessions, case["id"])
    assert actions == ["kyc.case_submitted", "kyc.case_approved"]
    # Tier 2 is an upgrade: a new case, while tier 1 holds.
    await submit(customer.client, submission("Lovelace", tier=2))
    upgraded = await wait_for(customer.client, "approved")
    assert upgraded["tier"] == 2
    again = await customer.client.post("/v1/me/kyc", json=submission("Lovelace", tier=2))
    assert again.status_code == 409
    assert again.json()["code"] == "kyc_already_verified"


async def test_rejected_is_final_and_says_why(customer: Customer) -> None:
    await submit(customer.client, submission("REJECT"))
    status = await wait_for(customer.client, "rejected")
    assert status["tier"] == 0
    assert status["case"]["reasons"] == ["FORGERY"]
    assert status["next_step"] == "contact_support"
    again = await customer.client.post("/v1/me/kyc", json=submission("Other"))
    assert again.status_code == 409
    assert again.json()["code"] == "kyc_rejected"


async def test_needs_more_info_then_resubmission_is_approved(
    customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    first = await submit(customer.client, submission("MOREINFO"))
    # While the check runs, a second submission is refused.
    status = await wait_for(customer.client, "needs_more_info")
    assert status["case"]["reasons"] == ["DOCUMENT_UNREADABLE"]
    assert status["next_step"] == "resubmit"
    assert status["tier"] == 0
    second = await submit(customer.client, submission("MOREINFO"))
    assert second["case"]["id"] == first["case"]["id"]
    assert second["case"]["attempts"] == 2
    assert second["case"]["reasons"] == []
    approved = await wait_for(customer.client, "approved")
    assert approved["tier"] == 1
    actions = await audit_actions(sessions, first["case"]["id"])
    assert actions == [
        "kyc.case_submitted",
        "kyc.case_needs_more_info",
        "kyc.case_submitted",
        "kyc.case_approved",
    ]


async def test_a_vendor_expired_verdict_asks_for_a_fresh_submission(customer: Customer) -> None:
    first = await submit(customer.client, submission("EXPIRE"))
    status = await wait_for(customer.client, "expired")
    assert (status["tier"], status["next_step"]) == (0, "refresh")
    assert status["case"]["reasons"] == ["DOCUMENT_EXPIRED"]
    fresh = await submit(customer.client, submission("Meitner"))
    assert fresh["case"]["id"] != first["case"]["id"]
    assert (await wait_for(customer.client, "approved"))["tier"] == 1


async def test_a_second_submission_while_pending_is_refused(customer: Customer) -> None:
    await submit(customer.client, submission("SLOW"))
    again = await customer.client.post("/v1/me/kyc", json=submission("SLOW"))
    assert again.status_code == 409
    assert again.json()["code"] == "kyc_case_pending"
    assert (await wait_for(customer.client, "approved"))["tier"] == 1


async def test_a_redelivered_webhook_is_applied_once(
    stack: Stack, customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    assert stack.kyc is not None
    case_id = (await submit(customer.client, submission("Hopper")))["case"]["id"]
    approved = await wait_for(customer.client, "approved")
    async with sessions() as session:
        case = await session.get(KycCase, uuid.UUID(case_id))
        assert case is not None
        applicant_id = case.applicant_id
    async with httpx.AsyncClient(base_url=stack.kyc.url) as vendor:
        check = (await vendor.get(f"/applicants/{applicant_id}")).json()["checks"][-1]
        assert (await vendor.post(f"/events/{check['event_id']}/redeliver")).status_code == 202
        deadline = time.monotonic() + 15
        while True:
            check = (await vendor.get(f"/applicants/{applicant_id}")).json()["checks"][-1]
            if [d["status_code"] for d in check["deliveries"]].count(200) >= 2:
                break
            assert time.monotonic() < deadline, check["deliveries"]
            await asyncio.sleep(0.05)
    async with sessions() as session:
        stored = await session.scalars(
            select(KycVendorEvent.outcome).where(KycVendorEvent.external_id == check["event_id"])
        )
        assert list(stored.all()) == ["applied"]
    assert (await audit_actions(sessions, case_id)).count("kyc.case_approved") == 1
    assert (await customer.client.get("/v1/me/kyc")).json() == approved


async def test_bad_signature_is_refused_and_nothing_is_stored(
    stack: Stack, customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id = (await submit(customer.client, submission("REJECT")))["case"]["id"]
    await wait_for(customer.client, "rejected")
    forged_event = "evt_forged_" + uuid.uuid4().hex
    body = orjson.dumps(
        {
            "id": forged_event,
            "type": "applicant.reviewed",
            "created_at": "2026-01-01T00:00:00Z",
            "data": {
                "applicant_id": "app_x",
                "check_id": "chk_x",
                "external_user_id": case_id,
                "level": "tier1",
                "result": "approved",
                "reject_type": None,
                "reasons": [],
                "reviewed_at": "2026-01-01T00:00:00Z",
            },
        }
    )
    now = int(time.time())
    secret = stack.settings.kyc.webhook_secret.get_secret_value().encode()
    cases = {
        "wrong secret": f"t={now},v1={signature_for(b'not-the-secret', now, body)}",
        "stale": f"t={now - 3600},v1={signature_for(secret, now - 3600, body)}",
        "garbage": "t=abc,v1=zz",
    }
    async with httpx.AsyncClient(base_url=stack.api_url) as client:
        for name, signature in cases.items():
            r = await client.post(
                "/v1/webhooks/kyc/sandbox",
                content=body,
                headers={SIGNATURE_HEADER: signature, "Content-Type": "application/json"},
            )
            assert r.status_code == 401, name
            assert r.json()["code"] == "webhook_signature_invalid"
        assert (await client.post("/v1/webhooks/kyc/sandbox", content=body)).status_code == 401
        unknown = await client.post("/v1/webhooks/kyc/no-such-vendor", content=body)
        assert unknown.status_code == 404
        assert unknown.json()["code"] == "unknown_kyc_vendor"
    async with sessions() as session:
        stored = await session.scalar(
            select(func.count())
            .select_from(KycVendorEvent)
            .where(KycVendorEvent.external_id == forged_event)
        )
        assert stored == 0
    status = (await customer.client.get("/v1/me/kyc")).json()
    assert status["case"]["status"] == "rejected"
    assert status["tier"] == 0


async def test_raw_rows_hold_no_plaintext_personal_data(
    customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    surname, given = f"Zedkov{uuid.uuid4().hex[:8]}", f"Ilse{uuid.uuid4().hex[:6]}"
    case_id = (await submit(customer.client, submission(surname, given=given)))["case"]["id"]
    await wait_for(customer.client, "approved")
    async with sessions() as session:
        raw = (
            await session.execute(
                text("SELECT * FROM kyc_cases WHERE id = :id"), {"id": uuid.UUID(case_id)}
            )
        ).one()
        events = await session.scalars(
            text("SELECT payload::text FROM kyc_vendor_events WHERE case_id = :id"),
            {"id": uuid.UUID(case_id)},
        )
        audits = await session.scalars(
            text("SELECT data::text FROM audit_log WHERE entity_id = :id"), {"id": case_id}
        )
        stored = [
            *(
                bytes(v).hex() + bytes(v).decode("latin-1")
                if isinstance(v, bytes | memoryview)
                else str(v)
                for v in raw
            ),
            *events,
            *audits,
        ]
        case = await session.get(KycCase, uuid.UUID(case_id))
        assert case is not None
        # Sealed, yet the owner's data opens with the keys.
        assert (case.given_names, case.surname, case.date_of_birth) == (
            given,
            surname,
            "1990-05-17",
        )
        assert case.address is not None
        assert "Hauptstrasse" in case.address
    for plain in (surname, given, "1990-05-17", "Hauptstrasse", "10115"):
        assert not any(plain in value for value in stored), plain


async def compliance_officer(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> dict[str, str]:
    """Headers of a compliance officer's second-factor session."""
    email = f"co.{uuid.uuid4().hex}@example.com"
    async with httpx.AsyncClient(base_url=stack.api_url) as client:
        r = await client.post(
            "/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": "C"}
        )
        assert r.status_code == 201, r.text
        async with unit_of_work(sessions) as session:
            await session.execute(
                text(
                    "UPDATE users SET role = 'compliance_officer', email_verified_at = now() "
                    "WHERE id = :id"
                ),
                {"id": uuid.UUID(r.json()["id"])},
            )
        login = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    await as_if_logged_in_with_mfa(sessions, r.json()["id"])
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def test_compliance_lists_cases_by_status_without_personal_data(
    stack: Stack, customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id = (await submit(customer.client, submission("REJECT")))["case"]["id"]
    await wait_for(customer.client, "rejected")
    headers = await compliance_officer(stack, sessions)
    async with httpx.AsyncClient(base_url=stack.api_url, headers=headers) as client:
        rejected = await client.get("/v1/kyc/cases", params={"status": "rejected", "limit": 500})
        assert rejected.status_code == 200, rejected.text
        listed = {c["id"]: c for c in rejected.json()["data"]}
        assert {c["status"] for c in listed.values()} == {"rejected"}
        assert listed[case_id]["customer_id"] == customer.user_id
        assert listed[case_id]["reasons"] == ["FORGERY"]
        assert "surname" not in listed[case_id]
        approved = await client.get("/v1/kyc/cases", params={"status": "approved"})
        assert case_id not in {c["id"] for c in approved.json()["data"]}
        bad = await client.get("/v1/kyc/cases", params={"status": "nonsense"})
        assert bad.status_code == 422
    denied = await customer.client.get("/v1/kyc/cases")
    assert denied.status_code == 403
    assert denied.json()["code"] == "permission_denied"


async def test_the_owner_exports_their_kyc_data_and_retention_purges_it(
    customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id = (await submit(customer.client, submission("Curie")))["case"]["id"]
    await wait_for(customer.client, "approved")
    exported = (await customer.client.get("/v1/me/export")).json()["kyc_cases"]
    assert [(c["id"], c["surname"], c["status"]) for c in exported] == [
        (case_id, "Curie", "approved")
    ]
    assert not any(key.endswith("_sealed") for key in exported[0])
    async with unit_of_work(sessions) as session:
        purged = await purge_personal_data(session, customer_ids=[uuid.UUID(customer.user_id)])
    assert purged == 1
    async with sessions() as session:
        case = await session.get(KycCase, uuid.UUID(case_id))
        assert case is not None
        assert (case.surname, case.given_names, case.address) == (None, None, None)
        assert case.status == "approved"  # the decision stays on record


async def test_expiry_moves_the_tier_back_to_0_and_asks_for_a_refresh(
    stack: Stack, person: Person, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """An in-process app whose clock the test moves; verdicts still come through the stack."""
    await submit(person.client, submission("Turing"))
    approved = await wait_for(person.client, "approved")
    assert approved["tier"] == 1
    case_id = uuid.UUID(approved["case"]["id"])
    period = timedelta(days=stack.settings.kyc.review_period_days)
    notice = timedelta(days=stack.settings.kyc.refresh_notice_days)
    start = person.clock.now()
    person.clock.set(start + period - notice + timedelta(days=1))
    person.use((await person.login()).json())  # the earlier login is long over by then
    due = (await person.client.get("/v1/me/kyc")).json()
    assert (due["tier"], due["case"]["status"], due["next_step"]) == (1, "approved", "refresh")
    assert due["refresh_due"] is True
    person.clock.set(start + period + timedelta(days=1))
    person.use((await person.login()).json())
    expired = (await person.client.get("/v1/me/kyc")).json()
    assert (expired["tier"], expired["case"]["status"], expired["next_step"]) == (
        0,
        "expired",
        "refresh",
    )
    async with unit_of_work(sessions) as session:
        customer_id = (await session.get(KycCase, case_id)).customer_id  # type: ignore[union-attr]
        assert await tier_of(session, customer_id, person.clock.now()) == 0
    # The periodic review (the kyc_review worker's loop, on the test's clock) writes it down.
    stop = asyncio.Event()
    review = asyncio.create_task(
        run_review_expiry(sessions, clock=person.clock, stop=stop, interval=0.05)
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            async with sessions() as session:
                case = await session.get(KycCase, case_id)
                assert case is not None
                if case.status == "expired":
                    break
            assert time.monotonic() < deadline, case.status
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await review
    async with sessions() as session:
        case = await session.get(KycCase, case_id)
        assert case is not None
        assert case.status == "expired"
        assert case.reasons == ["REVIEW_PERIOD_ENDED"]
    assert "kyc.case_expired" in await audit_actions(sessions, str(case_id))
    # The refresh is a new case; the verdict (stamped by the stack's real clock) approves it.
    refreshed = await submit(person.client, submission("Turing"))
    assert refreshed["case"]["id"] != str(case_id)
