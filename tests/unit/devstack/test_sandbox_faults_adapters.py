"""onramp's vendor adapters against the sandboxes with their faults on (in-process): a call
safe to repeat is asked again through 5xx answers under its idempotency key and its effect
happens once; a create the vendor does not deduplicate is tried once; the bank's refusal is
told apart from an answer that never came (only the refusal says nothing was paid)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from onramp.banking.adapters.base import OutgoingPayment
from onramp.banking.adapters.sandbox_payments import SandboxBankPayments
from onramp.banking.errors import BankRefused, BankUnavailable
from onramp.core.money import Money
from onramp.core.vendor_http import VendorRetry
from onramp.devstack import bank_sandbox, kyc_sandbox
from onramp.devstack.bank_sandbox import REFUSE_PAYMENT_CREDITOR
from onramp.kyc.adapters.sandbox import SandboxKycVendor
from onramp.kyc.errors import KycVendorUnavailable
from onramp.treasury.issuer.circle import CircleMintIssuer, key_for
from tests.unit.kyc.test_sandbox_vendor_retries import APPLICANT
from tests.unit.treasury.test_issuer_adapter import (
    ACCOUNT,
    API_KEY,
    SECRET,
    VAULT,
    Setup,
    eventually,
    setup,
    usdc,
)

__all__ = ["setup"]  # the issuer sandbox fixture, shared

PATIENT = VendorRetry(attempts=10, base_delay=0.001, max_delay=0.001)


def ok(_: httpx.Request) -> httpx.Response:
    return httpx.Response(200)


@dataclass
class Faulted:
    transport: httpx.AsyncBaseTransport
    base_url: str

    async def set(self, **settings: object) -> None:
        async with httpx.AsyncClient(transport=self.transport, base_url=self.base_url) as c:
            answer = await c.put("/_faults", json=settings)
            assert answer.status_code == 200, answer.text

    async def done(self) -> dict[str, int]:
        async with httpx.AsyncClient(transport=self.transport, base_url=self.base_url) as c:
            return dict((await c.get("/_faults")).json()["done"])


@pytest.fixture
async def bank() -> AsyncIterator[Faulted]:
    app = bank_sandbox.create_app(
        webhook_url="http://operator.test/hooks",
        webhook_secret=b"whsec_bank",
        account_iban="DE89370400440532013000",
        transport=httpx.MockTransport(ok),
    )
    async with app.router.lifespan_context(app):
        yield Faulted(httpx.ASGITransport(app=app), "http://sandbank.test")


def refund(key: str, creditor: str = "Jane Doe") -> OutgoingPayment:
    return OutgoingPayment(
        idempotency_key=key,
        amount=Money.parse("4.20", "EUR"),
        creditor_name=creditor,
        creditor_account="DE02120300000000202051",
        reference="refund",
    )


async def test_a_payment_through_5xx_answers_is_made_once(bank: Faulted) -> None:
    await bank.set(seed=11, error_rate=0.5, paths=["/payments"])
    payments = SandboxBankPayments(base_url=bank.base_url, transport=bank.transport, retry=PATIENT)
    first = await payments.send_payment(refund("refund-a"))
    again = await payments.send_payment(refund("refund-a"))
    assert again.payment_id == first.payment_id
    assert (await bank.done())["errors"] > 0
    await bank.set()
    async with httpx.AsyncClient(transport=bank.transport, base_url=bank.base_url) as c:
        listed = await c.get("/payments", params={"creditor_account": "DE02120300000000202051"})
    assert [p["id"] for p in listed.json()["data"]] == [first.payment_id]


async def test_a_refusal_is_bank_refused_and_a_5xx_is_not(bank: Faulted) -> None:
    payments = SandboxBankPayments(
        base_url=bank.base_url, transport=bank.transport, retry=VendorRetry(attempts=2)
    )
    with pytest.raises(BankRefused, match="payment_refused"):
        await payments.send_payment(refund("refund-b", creditor=REFUSE_PAYMENT_CREDITOR))
    await bank.set(error_rate=1.0, paths=["/payments"])
    with pytest.raises(BankUnavailable) as unanswered:
        await payments.send_payment(refund("refund-c"))
    assert not isinstance(unanswered.value, BankRefused)
    assert unanswered.value.code == "bank_unavailable"  # the same code for clients


async def test_kyc_upserts_are_asked_again_and_a_check_is_sent_once() -> None:
    app = kyc_sandbox.create_app(
        webhook_url="http://operator.test/hooks",
        webhook_secret=b"whsec_kyc",
        transport=httpx.MockTransport(ok),
    )
    async with app.router.lifespan_context(app):
        sandbox = Faulted(httpx.ASGITransport(app=app), "http://sandkyc.test")
        vendor = SandboxKycVendor(
            base_url=sandbox.base_url,
            secret=b"whsec_kyc",
            tolerance_seconds=300,
            transport=sandbox.transport,
            retry=PATIENT,
        )
        await sandbox.set(seed=4, error_rate=0.5, paths=["/applicants"])
        applicant = await vendor.upsert_applicant(APPLICANT)
        assert await vendor.upsert_applicant(APPLICANT) == applicant
        await sandbox.set(error_rate=1.0, paths=["/applicants/*/checks"])
        with pytest.raises(KycVendorUnavailable):
            await vendor.request_check(applicant, tier=1)
        assert await sandbox.done() == {"errors": 1}  # a check is never asked twice
        await sandbox.set()
        async with httpx.AsyncClient(transport=sandbox.transport, base_url=sandbox.base_url) as c:
            assert (await c.get(f"/applicants/{applicant}")).json()["checks"] == []


async def test_issuer_calls_through_5xx_answers_mint_once(setup: Setup) -> None:
    issuer = CircleMintIssuer(
        base_url="http://sandmint.test",
        api_key=API_KEY,
        webhook_secret=SECRET,
        transport=setup.transport,
        retry=PATIENT,
    )
    sandbox = Faulted(setup.transport, "http://sandmint.test")
    await sandbox.set(seed=2, error_rate=0.4, paths=["/v1/"])
    bank = await issuer.register_wire_account(ACCOUNT, idempotency_key=key_for("bank"))
    instructions = await issuer.wire_instructions(bank.id)
    await issuer.mock_wire(instructions, usdc("100.00"), idempotency_key=key_for("wire"))

    async def credited() -> bool:
        return (await issuer.balance()).available == usdc("100.00")

    await eventually(credited)
    recipient = await issuer.add_recipient_address(
        VAULT, description="vault", idempotency_key=key_for("vault")
    )
    key = key_for("mint")
    transfer = await issuer.create_transfer(
        recipient_id=recipient.id, amount=usdc("60.00"), idempotency_key=key
    )
    again = await issuer.create_transfer(
        recipient_id=recipient.id, amount=usdc("60.00"), idempotency_key=key
    )
    assert again.id == transfer.id

    async def minted() -> bool:
        return (await issuer.get_transfer(transfer.id)).status == "complete"

    await eventually(minted)
    assert (await sandbox.done())["errors"] > 0
    assert setup.token.mints == [(VAULT, 60 * 10**6)]
    assert (await issuer.balance()).available == usdc("40.00")
