"""A business held because an owner is on a sanctions list is decided in its compliance case:
released only by two officers (then the vendor's approval stands and the business tier holds),
or rejected."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.cases import ComplianceAlert
from onramp.devstack.stack import Stack
from tests.compliance.conftest import StaffFactory
from tests.compliance.helpers import CURRENT, load
from tests.e2e.conftest import Customer, register
from tests.e2e.test_kyb import company, owner, submit, wait_until


@pytest.fixture
async def business(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Customer]:
    """A customer whose KYB case the vendor approved and compliance holds (an owner is SDN
    entry 44718)."""
    await load(sessions, CURRENT)
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=15.0) as client:
        customer = await register(client, stack, kyc_tier=0)
        listed = owner("Roman", "Semenov", share="50.00", born="1987-11-08", nationality="RU")
        await submit(customer.client, company(ubos=[owner(share="50.00"), listed]))
        await wait_until(customer.client, lambda case: case["reasons"] == ["UNDER_REVIEW"])
        yield customer


async def _case_url(sessions: async_sessionmaker[AsyncSession], customer: Customer) -> str:
    async with sessions() as session:
        case_id = await session.scalar(
            select(ComplianceAlert.case_id).where(
                ComplianceAlert.customer_id == uuid.UUID(customer.user_id),
                ComplianceAlert.kind == "ubo_sanctions_hit",
            )
        )
    assert case_id is not None
    return f"/v1/compliance/cases/{case_id}"


async def test_two_officers_release_a_held_business_and_its_tier_holds(
    business: Customer, default_desk: StaffFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    alice = await default_desk("compliance_officer")
    bob = await default_desk("compliance_officer")
    url = await _case_url(sessions, business)

    # No money waits, yet a sanctions-hit owner is released only under four eyes.
    requested = await alice.post(
        f"{url}/decision", {"decision": "release", "reason": "different person: other DOB"}
    )
    assert requested.status_code == 202, requested.text
    approval = f"/v1/approvals/{requested.json()['approval_id']}/approve"
    assert (await alice.post(approval, {})).json()["code"] == "four_eyes_violation"
    still = (await business.client.get("/v1/me/kyc")).json()
    assert (still["tier"], still["case"]["status"]) == (0, "pending")

    approved = await bob.post(approval, {"reason": "agree"})
    assert approved.status_code == 200, approved.text
    status = (await business.client.get("/v1/me/kyc")).json()
    assert (status["tier"], status["case"]["status"], status["case"]["reasons"]) == (
        3,
        "approved",
        [],
    )
    limits = (await business.client.get("/v1/me/limits")).json()
    assert limits["daily"]["limit_eur"] == "250000.00"


async def test_a_rejected_business_stays_without_a_tier(
    business: Customer, default_desk: StaffFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    officer = await default_desk("compliance_officer")
    url = await _case_url(sessions, business)
    decided = await officer.post(
        f"{url}/decision", {"decision": "reject_refund", "reason": "owner is the listed person"}
    )
    assert decided.status_code == 200, decided.text
    status = (await business.client.get("/v1/me/kyc")).json()
    assert (status["tier"], status["case"]["status"]) == (0, "rejected")
    assert status["case"]["reasons"] == ["COMPLIANCE_REJECTED"]
