"""What every bank adapter gives the banking domain: verified credits, in one shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from onramp.core.money import Money


@dataclass(frozen=True)
class BankCredit:
    """A credit booked on the operator's account, as the bank reported it."""

    entry_id: str  # the bank's id for the booking: unique per bank
    amount: Money
    reference_text: str  # remittance information as the sender wrote it
    sender_name: str
    sender_iban: str
    account_iban: str
    booked_at: datetime
    end_to_end_id: str | None = None  # the payer's id for the payment, when it has one


@dataclass(frozen=True)
class BankReversal:
    """A booking that takes back an earlier credit: a returned or reversed deposit."""

    entry_id: str  # the bank's id for this booking (not the original's)
    amount: Money
    booked_at: datetime
    original_entry_id: str | None  # the booking it takes back, when the bank says
    end_to_end_id: str | None  # the original payment's end-to-end id
    return_reason: str | None  # ISO 20022 return reason code (AC04, MD07 ...)


@dataclass(frozen=True)
class BankNotice:
    event_id: str
    credits: list[BankCredit]
    payload: dict[str, Any]
    reversals: list[BankReversal] = field(default_factory=list)


class BankWebhookAdapter(Protocol):
    name: str

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, *, now: datetime
    ) -> BankNotice:
        """Verify the signature over the raw body, then parse. Raises InvalidWebhookSignature or
        MalformedBankNotification; nothing is stored before this returns."""
        ...


@dataclass(frozen=True)
class OutgoingPayment:
    """A credit transfer from the operator's treasury account to someone else's account."""

    idempotency_key: str  # the same key is the same payment, however often it is sent
    amount: Money
    creditor_name: str
    creditor_account: str  # an IBAN, or "<routing number>/<account number>" for US accounts
    reference: str


@dataclass(frozen=True)
class PaymentAccepted:
    payment_id: str  # the bank's id
    status: str  # accepted | booked


class BankPayments(Protocol):
    name: str

    async def send_payment(self, payment: OutgoingPayment) -> PaymentAccepted:
        """Ask the bank to pay; raises BankUnavailable when it cannot be asked or refuses."""
        ...

    async def payment_status(self, payment_id: str) -> PaymentAccepted:
        """Where a payment the bank accepted stands now; raises BankUnavailable."""
        ...


class Pain001Upload(Protocol):
    async def upload_pain001(self, xml: bytes) -> dict[str, PaymentAccepted]:
        """Hand a pain.001 file to the bank: its payments by EndToEndId. Uploading the same
        file again answers the same payments. Raises BankUnavailable."""
        ...
