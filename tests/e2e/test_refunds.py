"""Operators send an unmatched deposit back to its sender over the running stack: the refunds
worker pays it through the sandbox bank and completes it once booked; a large one needs a
second person's approval."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from schwifty import IBAN
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import request_refund
from onramp.banking.models import Deposit, Refund
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from tests.compliance.conftest import Staff, StaffFactory, default_desk
from tests.e2e.test_cli import onramp

# Each test ends with the money checker (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("money_checked")

__all__ = ["default_desk"]


def new_iban() -> str:
    return str(
        IBAN.generate("DE", bank_code="37040044", account_code=str(uuid.uuid4().int % 10**9))
    )


async def unmatched_deposit(
    bank: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], amount: str, iban: str
) -> uuid.UUID:
    """A transfer quoting no reference of ours, booked by the stack into suspense."""
    transfer = await bank.post(
        "/transfers",
        json={
            "amount": amount,
            "currency": "EUR",
            "reference": "invoice 4711",
            "sender_name": "Grace Hopper",
            "sender_iban": iban,
        },
    )
    assert transfer.status_code == 202, transfer.text
    deadline = time.monotonic() + 30
    while True:
        async with sessions() as session:
            row = await session.scalar(
                select(Deposit).where(Deposit.bank_entry_id == transfer.json()["id"])
            )
        if row is not None and row.status == "unmatched":
            return row.id
        assert time.monotonic() < deadline, "the deposit did not reach suspense"
        await asyncio.sleep(0.05)


async def wait_completed(staff: Staff, refund_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        listed = await staff.get("/v1/admin/refunds", params={"status": "completed"})
        assert listed.status_code == 200, listed.text
        found = [r for r in listed.json()["data"] if r["id"] == refund_id]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"refund {refund_id} not completed"
        await asyncio.sleep(0.1)


async def test_an_operator_returns_a_suspense_deposit_to_its_sender(
    stack: Stack,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    default_desk: StaffFactory,
) -> None:
    treasurer, support = await default_desk("treasurer"), await default_desk("support")
    iban = new_iban()
    deposit_id = await unmatched_deposit(bank, sessions, "25.00", iban)
    url = f"/v1/admin/deposits/{deposit_id}/return"

    refused = await support.post(url, {"reason": "unknown payer"})
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    returned = await treasurer.post(url, {"reason": "unknown payer"})
    assert returned.status_code == 201, returned.text
    refund = returned.json()["refund"]
    assert (refund["amount"], refund["reason"], refund["status"]) == (
        "25.00",
        "operator_return",
        "requested",
    )
    twice = await treasurer.post(url, {"reason": "unknown payer"})
    assert (twice.status_code, twice.json()["code"]) == (409, "deposit_already_returned")
    unknown = await treasurer.post(f"/v1/admin/deposits/{uuid.uuid4()}/return", {"reason": "x!!"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "deposit_not_found")

    done = await wait_completed(treasurer, refund["id"])
    assert done["channel"] == "api"
    assert done["bank_payment_id"]
    (payment,) = (await bank.get("/payments", params={"creditor_account": iban})).json()["data"]
    assert (payment["id"], payment["amount"], payment["status"]) == (
        done["bank_payment_id"],
        "25.00",
        "booked",
    )
    assert payment["creditor_name"] == "Grace Hopper"
    assert "invoice 4711" in payment["reference"]


async def test_a_large_return_waits_for_a_second_person(
    stack: Stack,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    default_desk: StaffFactory,
) -> None:
    alice, bob = await default_desk("treasurer"), await default_desk("treasurer")
    iban = new_iban()
    deposit_id = await unmatched_deposit(bank, sessions, "20000.00", iban)

    pending = await alice.post(f"/v1/admin/deposits/{deposit_id}/return", {"reason": "no order"})
    assert pending.status_code == 202, pending.text
    assert pending.json()["status"] == "pending_approval"
    approval = f"/v1/approvals/{pending.json()['approval_id']}/approve"
    own = await alice.post(approval, {"reason": "me again"})
    assert (own.status_code, own.json()["code"]) == (403, "four_eyes_violation")
    assert (await bank.get("/payments", params={"creditor_account": iban})).json()["data"] == []

    approved = await bob.post(approval, {"reason": "checked the statement"})
    assert approved.status_code == 200, approved.text
    refund_id = approved.json()["result"]["refund_id"]
    await wait_completed(bob, refund_id)
    (payment,) = (await bank.get("/payments", params={"creditor_account": iban})).json()["data"]
    assert payment["amount"] == "20000.00"


async def test_the_cli_exports_a_pain001_and_submits_it_to_the_bank(
    stack: Stack,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    iban = new_iban()
    deposit_id = await unmatched_deposit(bank, sessions, "33.00", iban)
    async with unit_of_work(sessions) as session:
        refund = await request_refund(
            session,
            deposit_id=deposit_id,
            amount=Money.parse("33.00", "EUR"),
            reason="unmatched",
            actor="test:cli",
            now=utcnow(),
        )
        # Not due for the API worker: this one is for the file.
        refund.next_attempt_at = utcnow() + timedelta(days=1)
    out = tmp_path / "refunds.xml"

    exported = onramp("bank", "refunds", "export", "--out", str(out), "--submit", env=stack.env())

    assert exported.returncode == 0, exported.stderr
    xml = out.read_text()
    assert refund.id.hex in xml
    assert iban in xml
    message_id = xml.split("<MsgId>")[1].split("</MsgId>")[0]
    again = onramp("bank", "refunds", "export", "--message-id", message_id, env=stack.env())
    assert again.returncode == 0, again.stderr
    assert refund.id.hex in again.stdout
    (payment,) = (await bank.get("/payments", params={"creditor_account": iban})).json()["data"]
    assert payment["amount"] == "33.00"
    deadline = time.monotonic() + 30
    while True:  # the refunds worker follows the uploaded payment to its booking
        async with sessions() as session:
            row = await session.get_one(Refund, refund.id)
        if row.status == "completed":
            break
        assert time.monotonic() < deadline, row.status
        await asyncio.sleep(0.1)
    assert (row.channel, row.bank_payment_id) == ("pain001_file", payment["id"])
