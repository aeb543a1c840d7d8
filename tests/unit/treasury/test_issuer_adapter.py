"""The issuer adapter against Sandmint's HTTP app in-process: ASGI in, a mock transport for the
notifications out, a fake chain underneath (the real mint on anvil is in the integration tests)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from onramp.core.errors import InvalidInput
from onramp.core.money import Money
from onramp.devstack.issuer_sandbox import create_app
from onramp.devstack.issuer_sandbox_chain import Incoming
from onramp.devstack.issuer_sandbox_state import Timing
from onramp.treasury.issuer.base import WireAccountDetails
from onramp.treasury.issuer.circle import CircleMintIssuer, key_for, usd_amount
from onramp.treasury.issuer.errors import (
    InvalidIssuerWebhookSignature,
    IssuerAmountNotWholeCents,
    IssuerIdempotencyConflict,
    IssuerInsufficientFunds,
    IssuerRejected,
    IssuerUnavailable,
    MalformedIssuerNotification,
)
from onramp.treasury.issuer.webhooks import signature_for

SECRET = b"whsec_issuer_unit"
API_KEY = "SAND_API_KEY:unit"
FAST = Timing(wire_seconds=0.05, payout_seconds=0.05, poll_seconds=0.02, max_attempts=3)
VAULT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
ACCOUNT = WireAccountDetails(
    account_number="000123456789",
    routing_number="121000248",
    bank_name="SANDBOX BANK",
    bank_city="San Francisco",
    bank_country="US",
    holder_name="onramp Treasury",
    holder_line1="1 Treasury Street",
    holder_city="Berlin",
    holder_postal_code="10115",
    holder_country="DE",
)


def usdc(amount: str) -> Money:
    return Money.parse(amount, "USDC")


@dataclass
class FakeToken:
    deposit_address: str = "0x00000000000000000000000000000000000000D1"
    mints: list[tuple[str, int]] = field(default_factory=list)
    burns: list[int] = field(default_factory=list)
    arriving: list[Incoming] = field(default_factory=list)

    async def mint(self, to: str, amount: int) -> str:
        self.mints.append((to, amount))
        return "0x" + f"{len(self.mints):064x}"

    async def incoming(self) -> list[Incoming]:
        found, self.arriving = self.arriving, []
        return found

    async def burn(self, amount: int) -> str:
        self.burns.append(amount)
        return "0x" + "b" * 64


@dataclass
class Receiver:
    received: list[httpx.Request] = field(default_factory=list)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request)
        return httpx.Response(200)

    def of_type(self, kind: str) -> list[httpx.Request]:
        return [r for r in self.received if f'"notificationType":"{kind}"'.encode() in r.content]


@dataclass
class Setup:
    issuer: CircleMintIssuer
    token: FakeToken
    receiver: Receiver
    transport: httpx.AsyncBaseTransport


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    token, receiver = FakeToken(), Receiver()
    app = create_app(
        token=token,
        webhook_url="http://operator.test/v1/webhooks/issuer/sandbox",
        webhook_secret=SECRET,
        api_key=API_KEY,
        timing=FAST,
        transport=httpx.MockTransport(receiver.handle),
    )
    transport = httpx.ASGITransport(app=app)
    issuer = CircleMintIssuer(
        base_url="http://sandmint.test", api_key=API_KEY, webhook_secret=SECRET, transport=transport
    )
    async with app.router.lifespan_context(app):
        yield Setup(issuer, token, receiver, transport)


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def funded(setup: Setup, amount: str) -> str:
    """Register the bank account, wire ``amount`` and wait for the credit; the bank id."""
    bank = await setup.issuer.register_wire_account(ACCOUNT, idempotency_key=key_for("bank"))
    instructions = await setup.issuer.wire_instructions(bank.id)
    before = (await setup.issuer.balance()).available
    await setup.issuer.mock_wire(instructions, usdc(amount), idempotency_key=key_for("w", amount))

    async def credited() -> bool:
        return (await setup.issuer.balance()).available == before + usdc(amount)

    await eventually(credited)
    return bank.id


async def test_wire_account_gets_a_tracking_ref_and_the_same_key_the_same_account(
    setup: Setup,
) -> None:
    first = await setup.issuer.register_wire_account(ACCOUNT, idempotency_key=key_for("b"))
    again = await setup.issuer.register_wire_account(ACCOUNT, idempotency_key=key_for("b"))
    instructions = await setup.issuer.wire_instructions(first.id)
    assert again.id == first.id
    assert first.tracking_ref.startswith("CIR")
    assert instructions.tracking_ref == first.tracking_ref
    assert first.description.endswith("6789")
    async with httpx.AsyncClient(transport=setup.transport, base_url="http://sandmint.test") as raw:
        answer = await raw.get(
            f"/v1/businessAccount/banks/wires/{first.id}",
            headers={"Authorization": f"Bearer {API_KEY}"},
        )
    assert answer.json()["data"].keys() >= {"id", "trackingRef", "status", "description"}
    assert not [k for k in answer.json()["data"] if k.startswith("_")]


async def test_a_wire_is_unsettled_first_then_credited_as_a_deposit(setup: Setup) -> None:
    bank = await setup.issuer.register_wire_account(ACCOUNT, idempotency_key=key_for("b"))
    instructions = await setup.issuer.wire_instructions(bank.id)
    await setup.issuer.mock_wire(instructions, usdc("250.00"), idempotency_key=key_for("w1"))
    early = await setup.issuer.balance()
    assert (early.available, early.unsettled) == (usdc("0"), usdc("250.00"))

    async def credited() -> bool:
        return (await setup.issuer.balance()).available == usdc("250.00")

    await eventually(credited)
    deposits = await setup.issuer.deposits()
    assert [(d.kind, d.amount, d.status) for d in deposits] == [("wire", usdc("250"), "complete")]
    assert len(setup.receiver.of_type("deposits")) == 1


async def test_a_transfer_mints_once_per_idempotency_key(setup: Setup) -> None:
    await funded(setup, "1000.00")
    recipient = await setup.issuer.add_recipient_address(
        VAULT, description="vault", idempotency_key=key_for("r")
    )
    key = key_for("mint-1")
    first = await setup.issuer.create_transfer(
        recipient_id=recipient.id, amount=usdc("600.00"), idempotency_key=key
    )
    again = await setup.issuer.create_transfer(
        recipient_id=recipient.id, amount=usdc("600.00"), idempotency_key=key
    )
    assert again.id == first.id
    assert first.status == "pending"

    async def complete() -> bool:
        return (await setup.issuer.get_transfer(first.id)).status == "complete"

    await eventually(complete)
    done = await setup.issuer.get_transfer(first.id)
    assert setup.token.mints == [(VAULT, 600 * 10**6)]
    assert done.transaction_hash == "0x" + f"{1:064x}"
    assert (await setup.issuer.balance()).available == usdc("400.00")
    with pytest.raises(IssuerIdempotencyConflict):
        await setup.issuer.create_transfer(
            recipient_id=recipient.id, amount=usdc("1.00"), idempotency_key=key
        )


async def test_a_transfer_beyond_the_balance_is_refused(setup: Setup) -> None:
    await funded(setup, "10.00")
    recipient = await setup.issuer.add_recipient_address(
        VAULT, description="vault", idempotency_key=key_for("r")
    )
    with pytest.raises(IssuerInsufficientFunds):
        await setup.issuer.create_transfer(
            recipient_id=recipient.id, amount=usdc("10.01"), idempotency_key=key_for("t")
        )
    with pytest.raises(IssuerRejected):
        await setup.issuer.create_transfer(
            recipient_id="no-such-address", amount=usdc("1"), idempotency_key=key_for("t2")
        )
    assert setup.token.mints == []


async def test_a_failed_transfer_gives_the_balance_back(setup: Setup) -> None:
    await funded(setup, "20.00")
    recipient = await setup.issuer.add_recipient_address(
        VAULT, description="vault", idempotency_key=key_for("r")
    )
    transfer = await setup.issuer.create_transfer(
        recipient_id=recipient.id, amount=usdc("13.13"), idempotency_key=key_for("t")
    )

    async def failed() -> bool:
        return (await setup.issuer.get_transfer(transfer.id)).status == "failed"

    await eventually(failed)
    assert (await setup.issuer.get_transfer(transfer.id)).error_code == "transfer_failed"
    assert (await setup.issuer.balance()).available == usdc("20.00")
    assert setup.token.mints == []


async def test_usdc_at_the_deposit_address_is_credited_burned_and_paid_out(setup: Setup) -> None:
    bank = await setup.issuer.register_wire_account(ACCOUNT, idempotency_key=key_for("b"))
    address = await setup.issuer.deposit_address(idempotency_key=key_for("d"))
    assert address.address == setup.token.deposit_address
    setup.token.arriving.append(Incoming("0x" + "a" * 64, VAULT, 300 * 10**6))

    async def credited() -> bool:
        return any(d.transaction_hash == "0x" + "a" * 64 for d in await setup.issuer.deposits())

    await eventually(credited)
    assert setup.token.burns == [300 * 10**6]
    payout = await setup.issuer.create_payout(
        bank_account_id=bank.id, amount=usdc("300.00"), idempotency_key=key_for("p")
    )

    async def paid() -> bool:
        return (await setup.issuer.get_payout(payout.id)).status == "complete"

    await eventually(paid)
    assert (await setup.issuer.balance()).available == usdc("0")
    with pytest.raises(IssuerInsufficientFunds):
        await setup.issuer.create_payout(
            bank_account_id=bank.id, amount=usdc("1.00"), idempotency_key=key_for("p2")
        )


async def test_notifications_are_signed_and_a_changed_one_is_refused(setup: Setup) -> None:
    await funded(setup, "5.00")
    request = setup.receiver.of_type("deposits")[0]
    now = datetime.now(UTC)
    notice = setup.issuer.parse_notification(request.headers, request.content, now=now)
    assert notice.kind == "deposits"
    assert notice.payload["deposit"]["amount"] == {"amount": "5.00", "currency": "USD"}
    with pytest.raises(InvalidIssuerWebhookSignature):
        setup.issuer.parse_notification(
            request.headers, request.content.replace(b"5.00", b"9.00"), now=now
        )
    with pytest.raises(InvalidIssuerWebhookSignature):
        setup.issuer.parse_notification(
            request.headers, request.content, now=now + timedelta(minutes=10)
        )
    with pytest.raises(InvalidIssuerWebhookSignature):
        setup.issuer.parse_notification({}, request.content, now=now)


async def test_a_transfer_notification_carries_the_transfer(setup: Setup) -> None:
    await funded(setup, "7.00")
    recipient = await setup.issuer.add_recipient_address(
        VAULT, description="vault", idempotency_key=key_for("r")
    )
    await setup.issuer.create_transfer(
        recipient_id=recipient.id, amount=usdc("7.00"), idempotency_key=key_for("t")
    )

    async def notified() -> bool:
        return bool(setup.receiver.of_type("transfers"))

    await eventually(notified)
    request = setup.receiver.of_type("transfers")[0]
    notice = setup.issuer.parse_notification(
        request.headers, request.content, now=datetime.now(UTC)
    )
    assert notice.transfer is not None
    assert (notice.transfer.status, notice.transfer.amount) == ("complete", usdc("7.00"))
    assert notice.transfer.address == VAULT


def test_a_well_signed_body_that_is_not_a_notification_is_malformed() -> None:
    issuer = CircleMintIssuer(base_url="http://x", api_key="", webhook_secret=SECRET)
    body = b'{"hello": "world"}'
    stamp = int(time.time())
    header = {"Sandmint-Signature": f"t={stamp},v1={signature_for(SECRET, stamp, body)}"}
    with pytest.raises(MalformedIssuerNotification):
        issuer.parse_notification(header, body, now=datetime.now(UTC))


async def test_a_wrong_api_key_is_an_unavailable_issuer(setup: Setup) -> None:
    wrong = CircleMintIssuer(
        base_url="http://sandmint.test",
        api_key="wrong",
        webhook_secret=SECRET,
        transport=setup.transport,
    )
    with pytest.raises(IssuerUnavailable):
        await wrong.balance()


def test_amounts_are_whole_cents_of_positive_usdc() -> None:
    assert usd_amount(usdc("1000")) == {"amount": "1000.00", "currency": "USD"}
    with pytest.raises(IssuerAmountNotWholeCents):
        usd_amount(usdc("0.001"))
    with pytest.raises(InvalidInput):
        usd_amount(Money.parse("1.00", "EUR"))


@pytest.mark.parametrize(
    "body",
    [
        b'{"notificationId": "n\\u0000", "notificationType": "transfers"}',
        b'{"notificationId": "n1", "notificationType": "transfers", "transfer": {"id": "t1",'
        b' "status": "complete", "amount": {"amount": "1.00", "currency": "USD"},'
        b' "destination": {"address": "' + b"0" * 101 + b'"}}}',
    ],
    ids=["NUL", "an address longer than its column"],
)
def test_a_well_signed_notification_outside_the_input_rule_is_malformed(body: bytes) -> None:
    issuer = CircleMintIssuer(base_url="http://x", api_key="", webhook_secret=SECRET)
    stamp = int(time.time())
    header = {"Sandmint-Signature": f"t={stamp},v1={signature_for(SECRET, stamp, body)}"}
    with pytest.raises(MalformedIssuerNotification):
        issuer.parse_notification(header, body, now=datetime.now(UTC))
