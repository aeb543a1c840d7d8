"""The bank's payments API answers 5xx and hangs past the client's timeout (its faults, switched
on for the test) while the refunds worker sends a refund: the refund waits and is asked again
under its idempotency key, is never failed for it (the bank may have paid), and is paid once.

The stack's refunds worker runs for the test with a 1 s bank timeout and quick retries."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking.refund_models import Refund
from onramp.devstack.stack import Stack
from tests.compliance.conftest import StaffFactory, default_desk
from tests.e2e.test_refunds import new_iban, unmatched_deposit, wait_completed
from tests.faults.vendors.conftest import VendorFaults

__all__ = ["default_desk"]

MAX_ATTEMPTS = 3
QUICK_REFUNDS = {
    "ONRAMP_BANKING__REQUEST_TIMEOUT_SECONDS": "1",
    "ONRAMP_BANKING__REFUND_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
    "ONRAMP_BANKING__REFUND_RETRY_BASE_SECONDS": "0.2",
    "ONRAMP_BANKING__REFUND_RETRY_MAX_SECONDS": "1",
}


@pytest.fixture
def quick_refunds(stack: Stack) -> Iterator[None]:
    stack.spawn_worker("refunds", QUICK_REFUNDS)
    try:
        yield
    finally:
        stack.apps["worker-refunds"].stop()
        stack.spawn_worker("refunds")


async def _refund(sessions: async_sessionmaker[AsyncSession], refund_id: str) -> Refund:
    async with sessions() as session:
        return await session.get_one(Refund, uuid.UUID(refund_id))


async def test_a_refund_through_5xx_and_timeouts_waits_and_is_paid_once(
    stack: Stack,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    default_desk: StaffFactory,
    vendor_faults: VendorFaults,
    quick_refunds: None,
) -> None:
    treasurer = await default_desk("treasurer")
    iban = new_iban()
    deposit_id = await unmatched_deposit(bank, sessions, "31.00", iban)
    # First the bank takes the payment and its answer never comes in time; then it answers
    # 500/503 to everything, for more attempts than a refund is allowed before it fails.
    await vendor_faults.set("bank", hang_rate=1.0, hang_seconds=1.5, paths=["/payments"])
    returned = await treasurer.post(
        f"/v1/admin/deposits/{deposit_id}/return", {"reason": "unknown payer"}
    )
    assert returned.status_code == 201, returned.text
    refund_id = returned.json()["refund"]["id"]
    deadline = time.monotonic() + 60
    while (await vendor_faults.done("bank")).get("hangs", 0) < 1:
        assert time.monotonic() < deadline, "the refund never reached the bank"
        await asyncio.sleep(0.1)
    (paid,) = (await bank.get("/payments", params={"creditor_account": iban})).json()["data"]
    await vendor_faults.set("bank", seed=9, error_rate=1.0, paths=["/payments"])
    while (refund := await _refund(sessions, refund_id)).attempts <= MAX_ATTEMPTS:
        assert refund.status == "requested", (refund.status, refund.last_error)
        assert time.monotonic() < deadline, refund.attempts
        await asyncio.sleep(0.1)
    assert refund.status == "requested", (refund.status, refund.last_error)
    assert refund.last_error is not None
    assert "bank answered 50" in refund.last_error

    await vendor_faults.set("bank")
    done = await wait_completed(treasurer, refund_id)
    assert done["bank_payment_id"] == paid["id"]  # the payment the bank made the first time
    payments = (await bank.get("/payments", params={"creditor_account": iban})).json()["data"]
    assert [(p["id"], p["amount"]) for p in payments] == [(paid["id"], "31.00")]
