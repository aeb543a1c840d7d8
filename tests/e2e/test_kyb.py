"""Business verification (KYB) over the running stack: a company, its documents and its
beneficial owners go to the KYC sandbox as a company applicant, the verdict comes back as its
signed webhook; each owner is screened against the sanctions lists, and an owner on the SDN
list holds the case for compliance whatever the vendor says."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.cases import ComplianceAlert
from onramp.compliance.models import ScreeningRecord
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.kyc import purge_personal_data, tier_of
from onramp.kyc.models import KycCase, KycUbo, KycVendorEvent
from tests.compliance.helpers import CURRENT, load
from tests.e2e.conftest import Customer, register
from tests.e2e.test_kyc import audit_actions, compliance_officer


@pytest.fixture
async def customer(stack: Stack) -> AsyncIterator[Customer]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=15.0) as client:
        yield await register(client, stack, kyc_tier=0)


def owner(
    given: str = "Grace",
    surname: str = "Hopper",
    *,
    share: str = "60.00",
    born: str = "1976-12-09",
    nationality: str = "US",
) -> dict[str, Any]:
    return {
        "given_names": given,
        "surname": surname,
        "date_of_birth": born,
        "nationality": nationality,
        "ownership_percent": share,
        "documents": [{"type": "passport", "filename": "passport.png", "content_base64": "aGk="}],
    }


def company(name: str = "Analytical Engines GmbH", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "legal_name": name,
        "registration_number": "HRB 123456 B",
        "country_of_incorporation": "DE",
        "registered_address": {
            "line1": "Friedrichstrasse 100",
            "city": "Berlin",
            "postal_code": "10117",
            "country": "DE",
        },
        "ubos": [owner(), owner("Alan", "Turing", share="25.00", born="1962-06-23")],
        "documents": [
            {"type": "certificate_of_incorporation", "filename": "certificate.pdf"},
            {"type": "register_extract", "filename": "handelsregister.pdf"},
        ],
    }
    body.update(changes)
    return body


async def submit(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/v1/me/kyb", json=body)
    assert response.status_code == 202, response.text
    status: dict[str, Any] = response.json()
    assert (status["case"]["kind"], status["case"]["status"]) == ("business", "pending")
    assert status["case"]["tier_requested"] == 3
    assert status["next_step"] == "wait"
    return status


async def wait_until(client: httpx.AsyncClient, done: Any) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        response = await client.get("/v1/me/kyc")
        assert response.status_code == 200, response.text
        status: dict[str, Any] = response.json()
        if status["case"] and done(status["case"]):
            return status
        assert time.monotonic() < deadline, f"KYB case is {status['case']}"
        await asyncio.sleep(0.05)


async def wait_for(client: httpx.AsyncClient, case_status: str) -> dict[str, Any]:
    return await wait_until(client, lambda case: case["status"] == case_status)


async def test_an_approved_business_holds_the_business_tier_and_its_limits(
    customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    submitted = await submit(customer.client, company())
    status = await wait_for(customer.client, "approved")
    assert (status["tier"], status["tier_label"]) == (3, "business")
    assert status["limits"] == {"daily_eur": "250000.00", "monthly_eur": "2000000.00"}
    assert status["next_step"] == "none"
    case = status["case"]
    assert case["id"] == submitted["case"]["id"]
    assert (case["tier_granted"], case["reasons"]) == (3, [])
    assert case["document_types"] == [
        "certificate_of_incorporation",
        "passport",
        "register_extract",
    ]
    assert await audit_actions(sessions, case["id"]) == ["kyc.case_submitted", "kyc.case_approved"]
    # orders/tier_limits/limits.py applies the tier as it is (the figures it enforces at order
    # time).
    limits = (await customer.client.get("/v1/me/limits")).json()
    assert limits["tier"] == 3
    assert (limits["daily"]["limit_eur"], limits["monthly"]["limit_eur"]) == (
        "250000.00",
        "2000000.00",
    )
    # Each owner was screened (no list hit here; clear or, before any list, not screened).
    async with sessions() as session:
        ubos = (
            await session.scalars(
                select(KycUbo)
                .where(KycUbo.case_id == uuid.UUID(case["id"]))
                .order_by(KycUbo.position)
            )
        ).all()
        assert [(u.surname, str(u.ownership_percent)) for u in ubos] == [
            ("Hopper", "60.00"),
            ("Turing", "25.00"),
        ]
        assert {u.screening_decision for u in ubos} <= {"clear", "not_screened"}
        recorded = await session.scalar(
            select(func.count())
            .select_from(ScreeningRecord)
            .where(ScreeningRecord.subject_id.in_([str(u.id) for u in ubos]))
        )
        assert recorded == 4  # two owners, at submission and at approval
    # Already verified: a second business submission is refused.
    again = await customer.client.post("/v1/me/kyb", json=company())
    assert (again.status_code, again.json()["code"]) == (409, "kyc_already_verified")


async def test_needs_more_info_then_resubmission_is_approved(
    customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    first = await submit(customer.client, company("Moreinfo Holdings Ltd"))
    status = await wait_for(customer.client, "needs_more_info")
    assert status["case"]["reasons"] == ["REGISTER_EXTRACT_UNREADABLE"]
    assert (status["tier"], status["next_step"]) == (0, "resubmit")
    # An individual submission cannot take over the open business case.
    individual = await customer.client.post(
        "/v1/me/kyc",
        json={
            "tier": 1,
            "given_names": "Ada",
            "surname": "Lovelace",
            "date_of_birth": "1990-05-17",
            "nationality": "DE",
            "address": {"line1": "A 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
            "documents": [{"type": "passport", "filename": "p.png"}],
        },
    )
    assert (individual.status_code, individual.json()["code"]) == (409, "kyc_case_pending")
    second = await submit(customer.client, company("Moreinfo Holdings Ltd", ubos=[owner()]))
    assert second["case"]["id"] == first["case"]["id"]
    assert second["case"]["attempts"] == 2
    approved = await wait_for(customer.client, "approved")
    assert approved["tier"] == 3
    assert await audit_actions(sessions, first["case"]["id"]) == [
        "kyc.case_submitted",
        "kyc.case_needs_more_info",
        "kyc.case_submitted",
        "kyc.case_approved",
    ]
    async with sessions() as session:
        attempts = await session.execute(
            select(KycUbo.attempt, func.count())
            .where(KycUbo.case_id == uuid.UUID(first["case"]["id"]))
            .group_by(KycUbo.attempt)
            .order_by(KycUbo.attempt)
        )
        assert [tuple(r) for r in attempts] == [(1, 2), (2, 1)]


async def test_a_rejected_company_is_final(customer: Customer) -> None:
    await submit(customer.client, company("Reject Trading Ltd"))
    status = await wait_for(customer.client, "rejected")
    assert (status["tier"], status["next_step"]) == (0, "contact_support")
    assert status["case"]["reasons"] == ["COMPANY_NOT_VERIFIED"]


async def test_an_owner_on_the_sdn_list_holds_the_case_with_an_alert(
    stack: Stack, customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await load(sessions, CURRENT)  # Roman Semenov, born 1987-11-08 (SDN entry 44718)
    listed = owner("Roman", "Semenov", share="50.00", born="1987-11-08", nationality="RU")
    body = company(ubos=[owner(share="50.00"), listed])
    case_id = (await submit(customer.client, body))["case"]["id"]
    # The vendor approves the company; compliance holds it: still pending, "under review".
    status = await wait_until(customer.client, lambda case: case["reasons"] == ["UNDER_REVIEW"])
    assert (status["case"]["status"], status["tier"], status["next_step"]) == ("pending", 0, "wait")
    assert status["limits"] == {"daily_eur": "0.00", "monthly_eur": "0.00"}
    assert "hold_reason" not in status["case"]
    assert "sanction" not in str(status).lower()
    assert await audit_actions(sessions, case_id) == ["kyc.case_submitted", "kyc.case_held"]
    async with sessions() as session:
        assert await tier_of(session, uuid.UUID(customer.user_id), datetime.now(UTC)) == 0
        case = await session.get(KycCase, uuid.UUID(case_id))
        assert case is not None
        assert (case.status, case.hold_reason) == ("pending", "UBO_SANCTIONS_HIT")
        ubos = (
            await session.scalars(
                select(KycUbo).where(KycUbo.case_id == case.id).order_by(KycUbo.position)
            )
        ).all()
        assert [u.screening_decision for u in ubos] == ["clear", "hit"]
        (alert,) = (
            await session.scalars(
                select(ComplianceAlert).where(ComplianceAlert.subject_id == str(ubos[1].id))
            )
        ).all()
        records = (
            await session.scalars(
                select(ScreeningRecord).where(ScreeningRecord.subject_id == str(ubos[1].id))
            )
        ).all()
        applied = await session.scalar(
            select(KycVendorEvent.outcome).where(KycVendorEvent.case_id == case.id)
        )
    # One alert (the approval's re-screen is the same finding), two recorded screens.
    assert (alert.source, alert.kind, alert.severity, alert.action) == (
        "kyc",
        "ubo_sanctions_hit",
        "high",
        "hold",
    )
    assert str(alert.customer_id) == customer.user_id
    assert alert.subject_type == "kyc_ubo"
    assert alert.evidence["entry_uid"] == "44718"
    assert alert.evidence["kyc_case_id"] == case_id
    assert "1987-11-08" not in str(alert.evidence)
    assert [(r.point, r.decision, r.entry_uid) for r in records] == [("kyb", "hit", "44718")] * 2
    assert applied == "applied"
    # Compliance sees the held case, with decisions and codes only.
    headers = await compliance_officer(stack, sessions)
    async with httpx.AsyncClient(base_url=stack.api_url, headers=headers) as staff:
        held = await staff.get("/v1/kyc/cases", params={"kind": "business", "held": "true"})
        assert held.status_code == 200, held.text
        listed_cases = {c["id"]: c for c in held.json()["data"]}
        row = listed_cases[case_id]
        assert (row["hold_reason"], row["ubo_count"], row["ubo_screening"]) == (
            "UBO_SANCTIONS_HIT",
            2,
            ["clear", "hit"],
        )
        assert {c["kind"] for c in listed_cases.values()} == {"business"}
        assert "Semenov" not in held.text
        assert "Analytical" not in held.text
        individual = await staff.get("/v1/kyc/cases", params={"kind": "individual"})
        assert case_id not in {c["id"] for c in individual.json()["data"]}


@pytest.mark.parametrize(
    ("changes", "code", "needle"),
    [
        ({"ubos": []}, "kyb_submission_invalid", "at least one ultimate beneficial owner"),
        (
            {"ubos": [owner(share="60.00"), owner("Alan", "Turing", share="50.00")]},
            "kyb_submission_invalid",
            "more than 100 %",
        ),
        ({"ubos": [owner(share="10.00")]}, "kyb_submission_invalid", "at least 25"),
        ({"ubos": [owner(share="150.00")]}, "request_invalid", "ownership_percent"),
        (
            {"ubos": [{**owner(), "documents": [{"type": "selfie", "filename": "s.png"}]}]},
            "kyb_submission_invalid",
            "identity document",
        ),
        ({"documents": []}, "kyb_submission_invalid", "certificate_of_incorporation"),
        ({"registration_number": None}, "request_invalid", "registration_number"),
        ({"registration_number": "   "}, "request_invalid", "registration_number"),
    ],
)
async def test_bad_submissions_are_refused_and_change_nothing(
    customer: Customer,
    sessions: async_sessionmaker[AsyncSession],
    changes: dict[str, Any],
    code: str,
    needle: str,
) -> None:
    body = company(**changes)
    if body.get("registration_number") is None:
        body.pop("registration_number")
    refused = await customer.client.post("/v1/me/kyb", json=body)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == code
    assert needle in problem["detail"]
    if code == "kyb_submission_invalid":
        assert problem["problems"]
    status = (await customer.client.get("/v1/me/kyc")).json()
    assert (status["case"], status["tier"]) == (None, 0)
    async with sessions() as session:
        counted = await session.scalar(
            select(func.count())
            .select_from(KycUbo)
            .where(KycUbo.customer_id == uuid.UUID(customer.user_id))
        )
        assert counted == 0


async def test_raw_rows_hold_no_plaintext_company_or_owner_data(
    customer: Customer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tag = uuid.uuid4().hex[:8]
    legal, number = f"Zephyr{tag} Logistics AG", f"CHE-{tag}"
    given, surname = f"Odile{tag}", f"Varga{tag}"
    body = company(
        legal,
        registration_number=number,
        ubos=[owner(given, surname, share="100.00", born="1971-03-04", nationality="HU")],
    )
    case_id = (await submit(customer.client, body))["case"]["id"]
    await wait_for(customer.client, "approved")
    async with sessions() as session:
        case_row = (
            await session.execute(
                text("SELECT * FROM kyc_cases WHERE id = :id"), {"id": uuid.UUID(case_id)}
            )
        ).one()
        ubo_rows = (
            await session.execute(
                text("SELECT * FROM kyc_ubos WHERE case_id = :id"), {"id": uuid.UUID(case_id)}
            )
        ).all()
        events = await session.scalars(
            text("SELECT payload::text FROM kyc_vendor_events WHERE case_id = :id"),
            {"id": uuid.UUID(case_id)},
        )
        audits = await session.scalars(
            text("SELECT data::text FROM audit_log WHERE entity_id = :id"), {"id": case_id}
        )
        screens = await session.scalars(
            text("SELECT reason FROM screening_records WHERE customer_id = :id"),
            {"id": uuid.UUID(customer.user_id)},
        )
        stored = [
            *(
                bytes(v).hex() + bytes(v).decode("latin-1")
                if isinstance(v, bytes | memoryview)
                else str(v)
                for row in (case_row, *ubo_rows)
                for v in row
            ),
            *events,
            *audits,
            *screens,
        ]
        case = await session.get(KycCase, uuid.UUID(case_id))
        assert case is not None
        # Sealed, yet it opens with the keys.
        assert (case.legal_name, case.registration_number, case.incorporation_country) == (
            legal,
            number,
            "DE",
        )
        (ubo,) = (await session.scalars(select(KycUbo).where(KycUbo.case_id == case.id))).all()
        assert (ubo.given_names, ubo.surname, ubo.date_of_birth, ubo.nationality) == (
            given,
            surname,
            "1971-03-04",
            "HU",
        )
    assert len(ubo_rows) == 1
    for plain in (legal, number, given, surname, "1971-03-04", "Friedrichstrasse", "10117"):
        assert not any(plain in value for value in stored), plain
    exported = (await customer.client.get("/v1/me/export")).json()["kyc_cases"]
    (mine,) = [c for c in exported if c["id"] == case_id]
    assert mine["legal_name"] == legal
    assert [u["surname"] for u in mine["ubos"]] == [surname]
    assert not any(key.endswith("_sealed") for key in mine["ubos"][0])
    # Retention drops the company's and the owner's data; the decision stays.
    async with unit_of_work(sessions) as session:
        purged = await purge_personal_data(session, customer_ids=[uuid.UUID(customer.user_id)])
    assert purged == 2
    async with sessions() as session:
        case = await session.get(KycCase, uuid.UUID(case_id))
        assert case is not None
        assert (case.legal_name, case.registration_number, case.address) == (None, None, None)
        assert case.status == "approved"
        (ubo,) = (await session.scalars(select(KycUbo).where(KycUbo.case_id == case.id))).all()
        assert (ubo.surname, ubo.date_of_birth) == (None, None)
