"""Sandbank's books: the treasury account's credit transfers and returns, the payments it
sends, their webhooks and statement entries, and the request bodies that book them."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StrictStr, StringConstraints

from onramp.devstack.bank_sandbox_camt import CamtBooking
from onramp.devstack.sandbox_kit import (
    Delivery,
    DeliveryPolicy,
    SandboxProblem,
    SandboxState,
    WebhookTarget,
)

_log = logging.getLogger("onramp.devstack.bank_sandbox")

CURRENCY_EXPONENTS: dict[str, int] = {"EUR": 2, "USD": 2, "GBP": 2, "CHF": 2, "JPY": 0}
SIGNATURE_HEADER = "Sandbank-Signature"
EVENT_TYPE = "credit_transfer.booked"
RETURN_EVENT_TYPE = "credit_transfer.returned"
SECRET_ENV = "SANDBANK_WEBHOOK_SECRET"  # noqa: S105 - the variable name, not a secret
DELAY_WEBHOOK_SENDER = "DELAY WEBHOOK"
REFUSE_PAYMENT_CREDITOR = "REFUSE PAYMENT"
DELAY_WEBHOOK_SECONDS = 2.0
PAYMENT_BOOKING_SECONDS = 0.3

_MAX_INTEGER_DIGITS = 15
_CURRENCY = re.compile(r"[A-Z]{3}")


# --- pure helpers -------------------------------------------------------------------------------


def parse_amount(amount: str, currency: str) -> Decimal:
    """Validate ``amount`` for ``currency``; the result has exactly the currency's decimals."""
    if not _CURRENCY.fullmatch(currency):
        raise SandboxProblem(
            422, "invalid_currency", "Invalid currency", "currency must be 3 capital letters"
        )
    exponent = CURRENCY_EXPONENTS.get(currency)
    if exponent is None:
        supported = ", ".join(sorted(CURRENCY_EXPONENTS))
        raise SandboxProblem(
            422,
            "unsupported_currency",
            "Unsupported currency",
            f"{currency} is not supported (supported: {supported})",
        )
    fraction = rf"(?:\.[0-9]{{1,{exponent}}})?" if exponent else ""
    pattern = rf"(?:0|[1-9][0-9]{{0,{_MAX_INTEGER_DIGITS - 1}}}){fraction}"
    if not re.fullmatch(pattern, amount):
        places = f"at most {exponent} decimals" if exponent else "no decimals"
        raise SandboxProblem(
            422,
            "invalid_amount",
            "Invalid amount",
            f"amount must be a positive decimal string with {places} for {currency} "
            f"and at most {_MAX_INTEGER_DIGITS} integer digits, got {amount!r}",
        )
    value = Decimal(amount)
    if value <= 0:
        raise SandboxProblem(422, "invalid_amount", "Invalid amount", "amount must be positive")
    return value.quantize(Decimal(1).scaleb(-exponent))


def _body(event: dict[str, Any]) -> bytes:
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


# --- state --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy(DeliveryPolicy):
    delay_webhook_seconds: float = DELAY_WEBHOOK_SECONDS
    payment_booking_seconds: float = PAYMENT_BOOKING_SECONDS


@dataclass
class Entry:
    id: str
    amount: Decimal
    currency: str
    reference: str
    sender_name: str
    sender_iban: str
    account_iban: str
    booked_at: str
    event_id: str
    event_body: bytes
    end_to_end_id: str = ""
    # A return: the transfer it takes back and why; the transfer: the return that took it back.
    returns: str | None = None
    reason: str | None = None
    returned_by: str | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    attempts_started: int = 0

    def view(self) -> dict[str, Any]:
        extra: dict[str, Any] = {"end_to_end_id": self.end_to_end_id}
        if self.returns:
            extra |= {"returns": self.returns, "reason": self.reason}
        if self.returned_by:
            extra["returned_by"] = self.returned_by
        return {
            **extra,
            "id": self.id,
            "status": "returned" if self.returned_by else "booked",
            "amount": str(self.amount),
            "currency": self.currency,
            "reference": self.reference,
            "sender_name": self.sender_name,
            "sender_iban": self.sender_iban,
            "booked_at": self.booked_at,
            "account_iban": self.account_iban,
            "event_id": self.event_id,
        }


@dataclass
class _Payment:
    id: str
    idempotency_key: str
    amount: Decimal
    currency: str
    creditor_name: str
    creditor_account: str
    reference: str
    accepted_at: str
    booked_at: str | None = None

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": "booked" if self.booked_at else "accepted",
            "amount": str(self.amount),
            "currency": self.currency,
            "creditor_name": self.creditor_name,
            "creditor_account": self.creditor_account,
            "reference": self.reference,
            "accepted_at": self.accepted_at,
            "booked_at": self.booked_at,
        }


def account_key(account: str) -> str:
    return account.replace(" ", "").upper()


class Sandbank(SandboxState):
    def __init__(self, target: WebhookTarget, *, account_iban: str, retry: RetryPolicy) -> None:
        super().__init__(target, signature_header=SIGNATURE_HEADER, policy=retry, log=_log)
        self.account_iban = account_iban
        self.retry = retry
        self.entries: dict[str, Entry] = {}
        self.payments: dict[str, _Payment] = {}
        self.payments_by_key: dict[str, _Payment] = {}

    def book(self, amount: Decimal, body: TransferIn) -> Entry:
        booked = _now()
        entry_id = f"sbx_{uuid.uuid4().hex}"
        event_id = f"evt_{uuid.uuid4().hex}"
        end_to_end_id = body.end_to_end_id or f"E2E{uuid.uuid4().hex[:24].upper()}"
        event = {
            "id": event_id,
            "type": EVENT_TYPE,
            "created_at": _iso(booked),
            "data": {
                "entry_id": entry_id,
                "amount": str(amount),
                "currency": body.currency,
                "reference": body.reference,
                "sender_name": body.sender_name,
                "sender_iban": body.sender_iban,
                "account_iban": self.account_iban,
                "booked_at": _iso(booked),
                "end_to_end_id": end_to_end_id,
            },
        }
        entry = Entry(
            id=entry_id,
            amount=amount,
            currency=body.currency,
            reference=body.reference,
            sender_name=body.sender_name,
            sender_iban=body.sender_iban,
            account_iban=self.account_iban,
            booked_at=_iso(booked),
            event_id=event_id,
            event_body=_body(event),
            end_to_end_id=end_to_end_id,
        )
        self.entries[entry_id] = entry
        _log.info("booked %s %s %s ref=%r", entry_id, amount, body.currency, body.reference)
        return entry

    def book_return(self, original: Entry, reason: str) -> Entry:
        """The payer's bank takes ``original`` back: a debit booking of its own."""
        if original.returns or original.returned_by:
            which = "is a return" if original.returns else "was returned already"
            raise SandboxProblem(409, "already_returned", "Already returned", f"it {which}")
        booked = _now()
        entry_id = f"sbx_{uuid.uuid4().hex}"
        event_id = f"evt_{uuid.uuid4().hex}"
        event = {
            "id": event_id,
            "type": RETURN_EVENT_TYPE,
            "created_at": _iso(booked),
            "data": {
                "entry_id": entry_id,
                "original_entry_id": original.id,
                "amount": str(original.amount),
                "currency": original.currency,
                "end_to_end_id": original.end_to_end_id,
                "reason": reason,
                "account_iban": self.account_iban,
                "booked_at": _iso(booked),
            },
        }
        entry = Entry(
            id=entry_id,
            amount=original.amount,
            currency=original.currency,
            reference=original.reference,
            sender_name=original.sender_name,
            sender_iban=original.sender_iban,
            account_iban=self.account_iban,
            booked_at=_iso(booked),
            event_id=event_id,
            event_body=_body(event),
            end_to_end_id=original.end_to_end_id,
            returns=original.id,
            reason=reason,
        )
        original.returned_by = entry_id
        self.entries[entry_id] = entry
        _log.info("returned %s as %s (%s)", original.id, entry_id, reason)
        return entry

    def pay(self, key: str, amount: Decimal, body: PaymentIn) -> _Payment:
        """Accept a payment once per idempotency key; book it a moment later."""
        known = self.payments_by_key.get(key)
        if known is not None:
            return known
        payment = _Payment(
            id=f"pmt_{uuid.uuid4().hex}",
            idempotency_key=key,
            amount=amount,
            currency=body.currency,
            creditor_name=body.creditor_name,
            creditor_account=account_key(body.creditor_account),
            reference=body.reference,
            accepted_at=_iso(_now()),
        )
        self.payments[payment.id] = payment
        self.payments_by_key[key] = payment
        self.background.start(self._book_later(payment))
        _log.info("accepted payment %s %s %s", payment.id, amount, body.currency)
        return payment

    async def _book_later(self, payment: _Payment) -> None:
        await asyncio.sleep(self.retry.payment_booking_seconds)
        payment.booked_at = _iso(_now())

    def bookings(self) -> list[CamtBooking]:
        """Everything booked on the account, oldest first, as statement entries."""
        out = [
            CamtBooking(
                entry_id=e.id,
                amount=e.amount,
                currency=e.currency,
                credit=e.returns is None,
                booked_at=datetime.fromisoformat(e.booked_at),
                end_to_end_id=e.end_to_end_id,
                reference=e.reference,
                party_name=e.sender_name,
                party_iban=account_key(e.sender_iban),
                reversal=e.returns is not None,
                return_reason=e.reason,
            )
            for e in self.entries.values()
        ]
        out += [
            CamtBooking(
                entry_id=p.id,
                amount=p.amount,
                currency=p.currency,
                credit=False,
                booked_at=datetime.fromisoformat(p.booked_at),
                end_to_end_id=p.idempotency_key[:35],
                reference=p.reference,
                party_name=p.creditor_name,
                party_iban=p.creditor_account,
            )
            for p in self.payments.values()
            if p.booked_at
        ]
        return sorted(out, key=lambda b: b.booked_at)

    def balances(self) -> dict[str, str]:
        totals: dict[str, Decimal] = {}
        for b in self.bookings():
            totals[b.currency] = totals.get(b.currency, Decimal(0)) + (
                b.amount if b.credit else -b.amount
            )
        return {currency: str(total) for currency, total in sorted(totals.items())}


# --- HTTP app -----------------------------------------------------------------------------------


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: StrictStr
    currency: StrictStr
    reference: Annotated[StrictStr, StringConstraints(min_length=1, max_length=140)]
    sender_name: Annotated[StrictStr, StringConstraints(min_length=1, max_length=70)]
    sender_iban: Annotated[
        StrictStr, StringConstraints(pattern=r"^[A-Za-z]{2}[0-9]{2}[A-Za-z0-9 ]{1,38}$")
    ]
    end_to_end_id: (
        Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9/?:().,'+ -]{1,35}$")] | None
    ) = None


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[StrictStr, StringConstraints(pattern=r"^[A-Z0-9]{4}$")]


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: StrictStr
    currency: StrictStr
    creditor_name: Annotated[StrictStr, StringConstraints(min_length=1, max_length=70)]
    creditor_account: Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9 /]{4,50}$")]
    reference: Annotated[StrictStr, StringConstraints(min_length=1, max_length=140)]
