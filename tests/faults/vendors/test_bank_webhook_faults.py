"""The bank sandbox's webhooks arrive twice, late and out of order (its faults, switched on for
the test): a deposit is credited once, orders complete paid once whatever the order their
bookings arrive in, and a return that arrives before the booking it takes back pays nothing."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking.models import Deposit, DepositReversal
from onramp.chain.models import Payout
from tests.e2e.conftest import Customer, pay
from tests.faults.vendors.conftest import VendorFaults


async def _acknowledged(bank: httpx.AsyncClient, entry_id: str, count: int) -> None:
    """Until the bank saw ``count`` acknowledged deliveries of the entry's event."""
    deadline = time.monotonic() + 30
    while True:
        deliveries = (await bank.get(f"/transfers/{entry_id}")).json()["deliveries"]
        if sum(1 for d in deliveries if d["status_code"] in (200, 202, 204)) >= count:
            return
        assert time.monotonic() < deadline, deliveries
        await asyncio.sleep(0.05)


async def _deposits(sessions: async_sessionmaker[AsyncSession], entry_id: str) -> list[Deposit]:
    async with sessions() as session:
        rows = await session.scalars(select(Deposit).where(Deposit.bank_entry_id == entry_id))
        return list(rows.all())


async def _payouts(sessions: async_sessionmaker[AsyncSession], order_id: str) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(Payout.status).where(Payout.order_id == uuid.UUID(order_id))
        )
        return list(rows.all())


async def test_a_deposit_webhook_delivered_twice_and_late_credits_once(
    customer: Customer,
    bank: httpx.AsyncClient,
    vendor_faults: VendorFaults,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    order = await customer.order(await customer.quote("51.00"))
    await vendor_faults.set("bank", seed=21, duplicate_rate=1.0, delay_rate=1.0, delay_seconds=1.0)
    transfer = await pay(bank, order)
    await _acknowledged(bank, transfer["id"], 2)
    assert await vendor_faults.done("bank") == {"duplicated": 1, "delayed": 1}
    await customer.wait_for(order["id"], "completed", timeout=90.0)
    (deposit,) = await _deposits(sessions, transfer["id"])
    assert (deposit.status, str(deposit.order_id)) == ("matched", order["id"])
    assert await _payouts(sessions, order["id"]) == ["confirmed"]


async def test_bookings_delivered_out_of_order_each_pay_their_own_order_once(
    customer: Customer,
    bank: httpx.AsyncClient,
    vendor_faults: VendorFaults,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    first = await customer.order(await customer.quote("52.00"))
    second = await customer.order(await customer.quote("53.00"))
    await vendor_faults.set("bank", reorder_rate=1.0, reorder_seconds=30.0)
    held = await pay(bank, first)  # held back: it arrives after the next event
    await vendor_faults.set("bank", duplicate_rate=1.0)
    overtaking = await pay(bank, second)
    await _acknowledged(bank, held["id"], 1)
    (earlier,) = await _deposits(sessions, held["id"])
    (later,) = await _deposits(sessions, overtaking["id"])
    assert later.id < earlier.id  # uuid7: the later booking was stored first
    for order in (first, second):
        await customer.wait_for(order["id"], "completed", timeout=90.0)
        assert await _payouts(sessions, order["id"]) == ["confirmed"]


async def test_a_return_delivered_before_its_booking_pays_nothing(
    customer: Customer,
    bank: httpx.AsyncClient,
    vendor_faults: VendorFaults,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    order = await customer.order(await customer.quote("54.00"))
    # The booking's webhook comes 4 to 8 s late; the return's, asked for at once, comes first
    # and is settled before the booking is known (it failed so: the late booking then funded
    # the order, and the money the bank had taken back was paid out).
    await vendor_faults.set("bank", seed=3, delay_rate=1.0, delay_seconds=8.0)
    transfer = await pay(bank, order)
    await vendor_faults.set("bank")
    returned = await bank.post(f"/transfers/{transfer['id']}/return", json={"reason": "MD07"})
    assert returned.status_code == 202, returned.text
    await _acknowledged(bank, returned.json()["id"], 1)
    await _acknowledged(bank, transfer["id"], 1)

    deadline = time.monotonic() + 30
    while not (found := await _deposits(sessions, transfer["id"])) or found[0].status in (
        "received",
        "matched",  # before the fix it stayed so, and its order was paid
    ):
        assert time.monotonic() < deadline, found and found[0].status
        await asyncio.sleep(0.1)
    async with sessions() as session:  # read after the deposit: settled in one transaction
        reversal = await session.scalar(
            select(DepositReversal).where(DepositReversal.bank_entry_id == returned.json()["id"])
        )
    assert reversal is not None
    (deposit,) = found
    assert deposit.status == "returned"
    assert (reversal.status, reversal.deposit_id) == ("booked", deposit.id)
    # The order was never paid from the money the bank took back: it waits for funds, and the
    # customer's next transfer is the one converted.
    assert (await customer.get_order(order["id"]))["state"] == "awaiting_funds"
    assert await _payouts(sessions, order["id"]) == []
    paid = await pay(bank, order)
    done = await customer.wait_for(order["id"], "completed", timeout=90.0)
    (used,) = await _deposits(sessions, paid["id"])
    assert str(used.order_id) == done["id"]
    assert await _payouts(sessions, order["id"]) == ["confirmed"]
