"""The sandbox bank's webhooks (``onramp.devstack.bank_sandbox`` runs that bank locally).

A booking event carries one credit (``credit_transfer.booked``, ``data`` the entry) or, as bank
APIs batch their notifications, up to :data:`MAX_WEBHOOK_ENTRIES` (``credit_transfers.booked``,
``data: {"entries": [...]}``); the intake stores them with one statement whatever their number.

Signature header, Stripe-style: ``Sandbank-Signature: t=<unix seconds>,v1=<hex>`` where ``v1`` is
HMAC-SHA256 over ``f"{t}."`` followed by the raw body, keyed with the shared webhook secret. Old
timestamps are refused to stop replays of captured requests.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationError

from onramp.banking.adapters.base import BankCredit, BankNotice, BankReversal
from onramp.banking.errors import InvalidWebhookSignature, MalformedBankNotification
from onramp.core.errors import InvalidInput
from onramp.core.money import Money
from onramp.core.request_fields import Text
from onramp.core.vendor_payloads import load_vendor_json
from onramp.core.webhook_signatures import signature_for

SIGNATURE_HEADER = "sandbank-signature"


# Each field bounded by the column it lands in (banking/models.py).
_Id = Annotated[Text, Field(max_length=200)]
_Amount = Annotated[Text, Field(max_length=40)]
_Currency = Annotated[Text, Field(max_length=10)]
_Iban = Annotated[Text, Field(max_length=34)]
_EndToEndId = Annotated[Text, Field(max_length=140)]


class _CreditData(BaseModel):
    entry_id: _Id
    amount: _Amount
    currency: _Currency
    reference: Annotated[Text, Field(max_length=4000)]  # Deposit.reference_text
    sender_name: Annotated[Text, Field(max_length=140)]
    sender_iban: _Iban
    account_iban: _Iban
    booked_at: datetime
    end_to_end_id: _EndToEndId | None = None


MAX_WEBHOOK_ENTRIES = 500  # a full batch stays well under the API's 1 MiB body limit


class _BatchData(BaseModel):
    entries: Annotated[list[_CreditData], Field(min_length=1, max_length=MAX_WEBHOOK_ENTRIES)]


class _ReturnData(BaseModel):
    entry_id: _Id
    original_entry_id: _Id
    amount: _Amount
    currency: _Currency
    end_to_end_id: _EndToEndId | None = None
    reason: Annotated[Text, Field(max_length=35)]
    booked_at: datetime


class _Event(BaseModel):
    id: _Id
    type: Annotated[Text, Field(max_length=100)]
    created_at: datetime
    data: dict[str, Any]  # read by the models above, checked by load_vendor_json


BOOKED = "credit_transfer.booked"
BOOKED_BATCH = "credit_transfers.booked"
RETURNED = "credit_transfer.returned"


class SandboxBankAdapter:
    name = "sandbox"

    def __init__(self, *, secret: bytes, tolerance_seconds: int) -> None:
        self._secret = secret
        self._tolerance = tolerance_seconds

    def verify(self, headers: Mapping[str, str], body: bytes, *, now: datetime) -> None:
        header = headers.get(SIGNATURE_HEADER, "")
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        given = parts.get("v1", "")
        stamp = parts.get("t", "")
        if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12) or not given.isascii():
            raise InvalidWebhookSignature()
        timestamp = int(stamp)
        if abs(now.timestamp() - timestamp) > self._tolerance:
            raise InvalidWebhookSignature("the signature timestamp is outside the tolerance")
        if not hmac.compare_digest(signature_for(self._secret, timestamp, body), given):
            raise InvalidWebhookSignature()

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, *, now: datetime
    ) -> BankNotice:
        self.verify(headers, body, now=now)
        try:
            payload: dict[str, Any] = load_vendor_json(body)
            event = _Event.model_validate(payload)
            if event.type == RETURNED:
                returned = _ReturnData.model_validate(event.data)
                reversal = BankReversal(
                    entry_id=returned.entry_id,
                    amount=Money.parse(returned.amount, returned.currency),
                    booked_at=returned.booked_at,
                    original_entry_id=returned.original_entry_id,
                    end_to_end_id=returned.end_to_end_id,
                    return_reason=returned.reason,
                )
                return BankNotice(
                    event_id=event.id, credits=[], payload=payload, reversals=[reversal]
                )
            if event.type == BOOKED_BATCH:
                batch = _BatchData.model_validate(event.data).entries
                credits = [_credit(data) for data in batch]
            elif event.type == BOOKED:
                credits = [_credit(_CreditData.model_validate(event.data))]
            else:
                credits = []
        except (ValidationError, InvalidInput) as exc:
            raise MalformedBankNotification(str(exc)) from exc
        return BankNotice(event_id=event.id, credits=credits, payload=payload)


def _credit(data: _CreditData) -> BankCredit:
    return BankCredit(
        entry_id=data.entry_id,
        amount=Money.parse(data.amount, data.currency),
        reference_text=data.reference,
        sender_name=data.sender_name,
        sender_iban=data.sender_iban,
        account_iban=data.account_iban,
        booked_at=data.booked_at,
        end_to_end_id=data.end_to_end_id,
    )
