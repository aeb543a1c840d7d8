"""A deposit the bank takes back before its order is paid pays nothing, whatever the order in
which the credit, its return and the saga's steps arrive (issue 13, finding 1)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking.models import Deposit, DepositReversal
from onramp.chain.models import Payout
from onramp.devstack.bank_sandbox_camt import CamtBooking, write_camt
from onramp.devstack.stack import Stack
from onramp.orders.models import Order
from tests.e2e.conftest import Customer, pay
from tests.e2e.test_bank_files import bank_import, deposits_of

# Each test ends with the money checker (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("money_checked")


def statement_with_credit_and_return(
    stack: Stack, *, amount: str, reference: str, entry_id: str
) -> bytes:
    """One camt.053: the customer's credit and, later the same day, its MD07 return."""
    now = datetime.now(UTC)
    e2e = f"E2E-{entry_id[-20:]}"
    common = {
        "amount": Decimal(amount),
        "currency": "EUR",
        "booked_at": now,
        "end_to_end_id": e2e,
        "reference": reference,
        "party_name": "Test Customer",
        "party_iban": "GB33BUKB20201555555555",
    }
    return write_camt(
        "camt.053",
        message_id=f"STMT-{uuid.uuid4().hex[:20]}",
        created_at=now,
        account_iban=stack.settings.banking.treasury_iban,
        currency="EUR",
        opening=Decimal("0"),
        on=now.date(),
        bookings=[
            CamtBooking(entry_id=entry_id, credit=True, **common),  # type: ignore[arg-type]
            CamtBooking(
                entry_id=f"{entry_id}-R",
                credit=False,
                reversal=True,
                return_reason="MD07",
                **common,  # type: ignore[arg-type]
            ),
        ],
    )


async def test_credit_and_its_return_in_one_statement_pay_nothing(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    order = await customer.order(await customer.quote("130.00"))
    instructions = order["deposit_instructions"]
    entry_id = f"stmt-{uuid.uuid4().hex}"
    path = tmp_path / "statement.xml"
    path.write_bytes(
        statement_with_credit_and_return(
            stack,
            amount=instructions["amount"],
            reference=instructions["reference"],
            entry_id=entry_id,
        )
    )
    report = bank_import(stack, path)
    assert (report["received"], report["reversals"]) == (1, 1)

    (returned,) = await deposits_of(sessions, entry_id)
    assert returned.status == "returned"
    async with sessions() as session:
        reversal = await session.scalar(
            select(DepositReversal).where(DepositReversal.bank_entry_id == f"{entry_id}-R")
        )
    assert reversal is not None
    # The order had not been paid: the return comes out of the customer's euros, not suspense.
    assert (reversal.status, reversal.outcome) == ("booked", "returned_from_customer")

    # The order waits for money again: the customer pays, and only that payment is converted.
    transfer = await pay(bank, order)
    await customer.wait_for(order["id"], "completed")
    (paid_with,) = await deposits_of(sessions, transfer["id"])
    order_id = uuid.UUID(order["id"])
    async with sessions() as session:
        saved = await session.get(Order, order_id)
        payouts = (await session.scalars(select(Payout).where(Payout.order_id == order_id))).all()
        rows = await session.scalars(select(Deposit).where(Deposit.order_id == order_id))
        deposits = rows.all()
    assert saved is not None
    assert saved.deposit_id == paid_with.id
    assert [p.status for p in payouts] == ["confirmed"]
    assert {d.id: d.status for d in deposits} == {
        returned.id: "returned",
        paid_with.id: "matched",
    }


@pytest.fixture
def payouts_stopped(stack: Stack) -> Iterator[None]:
    """The stack's payouts worker stopped: queued payouts wait, unsigned, for this test."""
    running = stack.apps.get("worker-payouts")
    if running is not None and running.alive():
        running.stop()
    yield
    stack.spawn_worker("payouts")


async def test_return_after_pricing_cancels_the_unsigned_payout(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    payouts_stopped: None,
) -> None:
    order = await customer.order(await customer.quote("140.00"))
    transfer = await pay(bank, order)
    await customer.wait_for(order["id"], "payout_queued")

    response = await bank.post(f"/transfers/{transfer['id']}/return", json={"reason": "MD07"})
    assert response.status_code == 202, response.text
    await customer.wait_for(order["id"], "refunded")

    order_id = uuid.UUID(order["id"])
    async with sessions() as session:
        payout = await session.scalar(select(Payout).where(Payout.order_id == order_id))
        reversal = await session.scalar(
            select(DepositReversal).where(DepositReversal.bank_entry_id == response.json()["id"])
        )
    assert payout is not None
    assert (payout.status, payout.tx_id) == ("cancelled", None)
    assert reversal is not None
    assert (reversal.status, reversal.outcome) == ("booked", "returned_from_customer")
