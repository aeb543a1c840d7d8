"""The bank payments adapter over a flaky bank: a payment (keyed) and a status read are asked
again after a transient failure; the bank's refusal is not, and stays ``bank_unavailable``."""

from __future__ import annotations

import httpx
import pytest

from onramp.banking.adapters.base import OutgoingPayment
from onramp.banking.adapters.sandbox_payments import SandboxBankPayments
from onramp.banking.errors import BankUnavailable
from onramp.core.money import Money
from tests.unit.core.scripted_vendor import NO_WAIT, ScriptedVendor

PAYMENT = OutgoingPayment(
    idempotency_key="refund:1",
    amount=Money.parse("12.34", "EUR"),
    creditor_name="Jane Doe",
    creditor_account="DE89370400440532013000",
    reference="refund 1",
)
ACCEPTED = {"id": "pmt_1", "status": "accepted"}


def bank(vendor: ScriptedVendor) -> SandboxBankPayments:
    return SandboxBankPayments(base_url="http://bank", transport=vendor.transport(), retry=NO_WAIT)


async def test_a_payment_is_asked_again_with_the_same_key_after_a_503() -> None:
    scripted = ScriptedVendor([httpx.Response(503), httpx.Response(202, json=ACCEPTED)])
    payments = bank(scripted)

    accepted = await payments.send_payment(PAYMENT)

    assert accepted.payment_id == "pmt_1"
    assert [r.headers["idempotency-key"] for r in scripted.received] == ["refund:1", "refund:1"]


async def test_a_refused_payment_is_asked_once() -> None:
    refusal = httpx.Response(422, json={"code": "payment_refused", "detail": "Jane Doe"})
    scripted = ScriptedVendor([refusal, httpx.Response(202, json=ACCEPTED)])
    payments = bank(scripted)

    with pytest.raises(BankUnavailable, match="bank answered 422 payment_refused") as caught:
        await payments.send_payment(PAYMENT)

    assert len(scripted.received) == 1
    assert caught.value.code == "bank_unavailable"
    assert "Jane" not in caught.value.detail


async def test_a_bank_down_for_every_attempt_is_bank_unavailable() -> None:
    scripted = ScriptedVendor([httpx.Response(502)] * 3)
    payments = bank(scripted)

    with pytest.raises(BankUnavailable, match="bank answered 502"):
        await payments.payment_status("pmt_1")
    assert len(scripted.received) == 3
