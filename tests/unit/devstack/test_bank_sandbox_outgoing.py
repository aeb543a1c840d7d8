"""The bank sandbox's outgoing side: a pain.001 upload becomes payments (once per file and
EndToEndId), an invalid file pays nothing, a payment's status can be read, and the magic
creditor name makes the bank refuse."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest

from onramp.banking.adapters.base import OutgoingPayment
from onramp.banking.adapters.sandbox_payments import SandboxBankPayments
from onramp.banking.errors import BankUnavailable
from onramp.banking.formats.pain001 import CreditTransfer, Debtor, build_pain001, end_to_end_id
from onramp.core.money import Money
from onramp.devstack.bank_sandbox import REFUSE_PAYMENT_CREDITOR, RetryPolicy, create_app

ACCOUNT = "DE89370400440532013000"
FAST = RetryPolicy(payment_booking_seconds=0.05)


@pytest.fixture
async def bank() -> AsyncIterator[tuple[httpx.AsyncClient, SandboxBankPayments]]:
    app = create_app(
        webhook_url="http://nowhere.invalid/hook",
        webhook_secret=b"s",
        account_iban=ACCOUNT,
        retry=FAST,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bank") as client:
        yield client, SandboxBankPayments(base_url="http://bank", transport=transport)


def _file(*amounts: str) -> tuple[list[uuid.UUID], bytes]:
    ids = [uuid.uuid4() for _ in amounts]
    built = build_pain001(
        [
            CreditTransfer(
                end_to_end_id(i), Money.parse(a, "EUR"), "Ada", "GB33BUKB20201555555555", "r"
            )
            for i, a in zip(ids, amounts, strict=True)
        ],
        debtor=Debtor("onramp Treasury", ACCOUNT, "COBADEFFXXX"),
        execution_date=date(2026, 12, 2),
    )
    return ids, built.xml


async def test_an_uploaded_file_pays_each_transfer_once(
    bank: tuple[httpx.AsyncClient, SandboxBankPayments],
) -> None:
    client, payments = bank
    ids, xml = _file("10.00", "2.50")

    first = await payments.upload_pain001(xml)
    again = await payments.upload_pain001(xml)  # the same file: the same payments

    assert set(first) == {i.hex for i in ids}
    assert {k: v.payment_id for k, v in again.items()} == {
        k: v.payment_id for k, v in first.items()
    }
    listed = await client.get("/payments", params={"creditor_account": "GB33BUKB20201555555555"})
    assert sorted(p["amount"] for p in listed.json()["data"]) == ["10.00", "2.50"]
    await asyncio.sleep(0.2)
    status = await payments.payment_status(first[ids[0].hex].payment_id)
    assert status.status == "booked"


async def test_an_invalid_file_is_refused_and_pays_nothing(
    bank: tuple[httpx.AsyncClient, SandboxBankPayments],
) -> None:
    client, _ = bank
    _, xml = _file("10.00")
    broken = xml.replace(b"<CtrlSum>10.00</CtrlSum>", b"<CtrlSum>ten</CtrlSum>", 1)
    response = await client.post("/pain001", content=broken)
    assert response.status_code == 422
    assert response.json()["code"] == "pain001_invalid"
    not_xml = await client.post("/pain001", content=b"<<<")
    assert not_xml.json()["code"] == "pain001_invalid"
    listed = await client.get("/payments", params={"creditor_account": "GB33BUKB20201555555555"})
    assert listed.json()["data"] == []


async def test_the_magic_creditor_is_refused(
    bank: tuple[httpx.AsyncClient, SandboxBankPayments],
) -> None:
    _, payments = bank
    with pytest.raises(BankUnavailable, match="payment_refused"):
        await payments.send_payment(
            OutgoingPayment(
                "k1",
                Money.parse("1.00", "EUR"),
                REFUSE_PAYMENT_CREDITOR,
                "GB33BUKB20201555555555",
                "r",
            )
        )
    with pytest.raises(BankUnavailable, match="404"):
        await payments.payment_status("pmt_unknown")
