"""The KYC sandbox misbehaves (its faults, switched on for the test): verdicts sent twice and
late are applied once; a check request answered 503, or answered after the API gave up on it
(the verdict then arrives for a submission that never happened), leaves the customer free to
submit again, and only the verdict of the check on record grants a tier."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.devstack.stack import Stack
from onramp.kyc.models import KycCase, KycVendorEvent
from tests.e2e.conftest import Customer, register
from tests.e2e.test_kyc import audit_actions, submission, submit, wait_for
from tests.faults.vendors.conftest import VendorFaults


# Customers here start with no verified identity (tier 0): the flow under test grants it.
@pytest.fixture
async def customer(stack: Stack) -> AsyncIterator[Customer]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30.0) as client:
        yield await register(client, stack, kyc_tier=0)


async def _cases(sessions: async_sessionmaker[AsyncSession], customer: Customer) -> list[KycCase]:
    async with sessions() as session:
        rows = await session.scalars(
            select(KycCase).where(KycCase.customer_id == uuid.UUID(customer.user_id))
        )
        return list(rows.all())


async def _checks(stack: Stack, applicant_id: str) -> list[dict[str, object]]:
    assert stack.kyc is not None
    async with httpx.AsyncClient(base_url=stack.kyc.url) as vendor:
        checks: list[dict[str, object]] = (await vendor.get(f"/applicants/{applicant_id}")).json()[
            "checks"
        ]
        return checks


async def test_a_verdict_sent_twice_and_late_is_applied_once(
    stack: Stack,
    customer: Customer,
    vendor_faults: VendorFaults,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await vendor_faults.set("kyc", seed=5, duplicate_rate=1.0, delay_rate=1.0, delay_seconds=2.0)
    case_id = (await submit(customer.client, submission("Franklin")))["case"]["id"]
    assert (await wait_for(customer.client, "approved"))["tier"] == 1
    (case,) = await _cases(sessions, customer)
    assert case.applicant_id is not None
    (check,) = await _checks(stack, case.applicant_id)
    deadline = time.monotonic() + 20
    while [d["status_code"] for d in check["deliveries"]].count(200) < 2:  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, check
        await asyncio.sleep(0.05)
        (check,) = await _checks(stack, case.applicant_id)
    async with sessions() as session:
        stored = await session.scalar(
            select(func.count()).where(KycVendorEvent.external_id == check["event_id"])
        )
    assert stored == 1
    assert (await audit_actions(sessions, case_id)).count("kyc.case_approved") == 1


async def test_a_check_request_answered_503_is_submitted_again(
    customer: Customer, vendor_faults: VendorFaults, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await vendor_faults.set("kyc", error_rate=1.0, error_statuses=[503], paths=["/applicants/"])
    refused = await customer.client.post("/v1/me/kyc", json=submission("Noether"))
    assert refused.status_code == 503, refused.text
    assert refused.json()["code"] == "kyc_vendor_unavailable"
    assert await _cases(sessions, customer) == []  # nothing half-submitted is left behind
    await vendor_faults.set("kyc")
    await submit(customer.client, submission("Noether"))
    assert (await wait_for(customer.client, "approved"))["tier"] == 1


async def test_a_verdict_for_a_check_the_api_gave_up_on_grants_nothing(
    stack: Stack,
    customer: Customer,
    vendor_faults: VendorFaults,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # The vendor makes the check and sends its verdict at once, but its answer comes after the
    # API's 10 s timeout: the verdict arrives before (and for) a case that is never stored.
    await vendor_faults.set("kyc", hang_rate=1.0, hang_seconds=11.0, paths=["/applicants/*/checks"])
    lost = await customer.client.post("/v1/me/kyc", json=submission("REJECT"))
    assert lost.status_code == 503, lost.text
    assert await vendor_faults.done("kyc") == {"hangs": 1}
    assert await _cases(sessions, customer) == []
    await vendor_faults.set("kyc")
    status = (await customer.client.get("/v1/me/kyc")).json()
    assert (status["tier"], status["next_step"]) == (0, "submit")
    await submit(customer.client, submission("Meitner"))
    assert (await wait_for(customer.client, "approved"))["tier"] == 1
    (case,) = await _cases(sessions, customer)
    assert case.status == "approved"
