"""Sandbank: a local stand-in for a bank's sandbox API.

It holds the operator's treasury account, "receives" customer credit transfers into it and notifies
the operator with a signed webhook, asynchronously and with retries, the way a real bank's sandbox
does. State is in memory: it simulates the vendor, it is not part of the system under test.

Run it as its own process::

    python -m onramp.devstack.bank_sandbox --port 8099 --webhook-url http://127.0.0.1:8000/hooks \\
        --webhook-secret s3cret --account-iban DE89370400440532013000

(``--webhook-secret`` may instead come from the ``SANDBANK_WEBHOOK_SECRET`` environment variable,
which keeps it out of ``ps``; :func:`start_bank_sandbox` does that.)

HTTP API
--------
``POST /transfers``
    Book an incoming credit transfer. Body: ``{"amount": "1000.00", "currency": "EUR",
    "reference": "RF18 5390 0754 7034", "sender_name": "...", "sender_iban": "..."}``.
    ``amount`` is a JSON *string*: a positive decimal with at most as many decimals as the
    currency's exponent (EUR, USD, GBP, CHF: 2; JPY: 0). It is booked, and echoed, with exactly
    that many decimals (``"1000.5"`` books as ``"1000.50"``). Answers 202 with the booked entry;
    the webhook follows in the background. Invalid input: 422 ``application/problem+json`` with
    ``type, title, status, detail, code``.
``GET /transfers/{id}``
    The entry, its ``event_id`` and ``deliveries: [{attempt, status_code, error, at}]``.
``POST /transfers/{id}/redeliver``
    Send the entry's event again (same event id, same body), with retries. 202; 404 if unknown.
``POST /payments``
    An outgoing credit transfer from the treasury account (what the operator sends: refunds,
    micro-deposits). Header ``Idempotency-Key`` (required): the same key answers the first
    payment again. Body: ``{"amount": "0.12", "currency": "EUR", "creditor_name": "...",
    "creditor_account": "<IBAN>" or "<routing number>/<account number>", "reference": "..."}``.
    Answers 202 with the payment, ``status: "accepted"``; like a bank, it is ``booked`` a moment
    later (``booked_at`` set). A negative balance is allowed (the sandbox is not a ledger).
``POST /pain001``
    A SEPA credit transfer initiation file (pain.001.001.03 or .09, ``Content-Type:
    application/xml``), checked against its XSD like a bank's file upload. Each CdtTrfTxInf
    becomes a payment as if sent to ``POST /payments`` with the idempotency key
    ``<MsgId>/<EndToEndId>``: uploading the same file again answers the same payments. Answers
    202 ``{"message_id", "payments": [{"end_to_end_id", "id", "status"}]}``; a file that is not
    schema-valid: 422 ``pain001_invalid`` and no payment.
``GET /payments/{id}``
    One payment (its ``status``: ``accepted``, then ``booked``); 404 if unknown.
``GET /payments?creditor_account=<account>``
    The payments sent to that account, oldest first: the creditor's view of their statement
    (only ``booked`` ones are on it; ``accepted`` ones are listed with that status).
``POST /transfers/{id}/return``
    The payer's bank takes the transfer back (a SEPA return). Body: ``{"reason": "AC04"}`` (an
    ISO 20022 return reason code, 4 capitals or digits). Books a debit of the same amount with
    its own ``sbx_`` id and sends a signed ``credit_transfer.returned`` webhook. 202 with the
    return; 404 if unknown; 409 ``already_returned``.
``GET /statements/camt.053?date=YYYY-MM-DD&currency=EUR``
    The end-of-day statement (camt.053.001.08) of that UTC day: every credit, return and booked
    payment as an entry whose ``AcctSvcrRef`` is the booking's id (the webhook's ``entry_id``),
    with opening (OPBD) and closing (CLBD) booked balances.
``GET /notifications/camt.054?since=<ISO 8601>&currency=EUR``
    A debit/credit notification (camt.054.001.08) of the bookings since then (all if omitted).
``POST /drops/camt.053?date=…`` and ``POST /drops/camt.054?since=…``
    Write that file into the drop folder (``--drop-dir``) the way an SFTP delivery lands:
    written under a ``.tmp`` name, then renamed. 201 ``{"path"}``; 409 without a drop folder.
``GET /account``
    The treasury account: ``{"iban", "balances": {"EUR": "1000.00", ...}}`` (credits less
    returns and booked payments).
``GET /healthz``
    200 ``{"status": "ok"}``.

Webhooks
--------
``POST <webhook-url>`` with ``Content-Type: application/json`` and the body::

    {"id": "evt_...", "type": "credit_transfer.booked", "created_at": "...Z",
     "data": {"entry_id", "amount", "currency", "reference", "sender_name", "sender_iban",
              "account_iban", "booked_at", "end_to_end_id"}}

and for a return ``"type": "credit_transfer.returned"`` with ``"data": {"entry_id" (the
return's own booking id), "original_entry_id", "amount", "currency", "end_to_end_id",
"reason", "account_iban", "booked_at"}``.

Each entry has exactly one event: every delivery and redelivery sends the same bytes. The header
``Sandbank-Signature: t=<unix seconds>,v1=<hex>`` carries ``HMAC-SHA256(secret, f"{t}." + body)``
over the exact bytes sent, ``t`` being the time of that delivery attempt (see
:func:`sign_payload`). Receivers should check the MAC in constant time, reject stale ``t`` and
deduplicate on the event id. A 2xx answer acknowledges; anything else, or a connection error or
timeout (10 s), is retried after 0.2 s, 0.4 s, 0.8 s ... capped at 5 s, 20 attempts in all.

Magic values (like a real vendor's sandbox)
-------------------------------------------
``sender_name`` = ``"DELAY WEBHOOK"``
    The first delivery is sent 2 s after booking instead of at once, e.g. to test a client that
    polls, or a deposit whose notification arrives after the customer looked.
``creditor_name`` = ``"REFUSE PAYMENT"`` (``POST /payments``)
    The bank refuses the payment: 422 ``payment_refused``, every time, and nothing is paid, e.g.
    to test a refund that is retried and finally given up.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict, StrictStr, StringConstraints

from onramp.devstack.bank_sandbox_camt import CamtBooking
from onramp.devstack.bank_sandbox_statements import statements_router
from onramp.devstack.pain001_upload import Pain001Rejected, parse_pain001
from onramp.devstack.sandbox_kit import (
    PROBLEM_JSON,
    Delivery,
    DeliveryPolicy,
    RunningSandbox,
    SandboxProblem,
    SandboxState,
    WebhookTarget,
    add_webhook_arguments,
    answer_problems,
    backoff_delay,
    require_webhook_secret,
    sandbox_app,
    sandbox_arguments,
    serve,
    sign_payload,
    start_sandbox,
)

__all__ = [
    "CURRENCY_EXPONENTS",
    "DELAY_WEBHOOK_SENDER",
    "EVENT_TYPE",
    "RETURN_EVENT_TYPE",
    "PROBLEM_JSON",
    "REFUSE_PAYMENT_CREDITOR",
    "SECRET_ENV",
    "SIGNATURE_HEADER",
    "BankSandbox",
    "RetryPolicy",
    "SandboxProblem",
    "backoff_delay",
    "create_app",
    "main",
    "parse_amount",
    "sign_payload",
    "start_bank_sandbox",
]

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
class _Entry:
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


def _account_key(account: str) -> str:
    return account.replace(" ", "").upper()


class _Sandbank(SandboxState):
    def __init__(self, target: WebhookTarget, *, account_iban: str, retry: RetryPolicy) -> None:
        super().__init__(target, signature_header=SIGNATURE_HEADER, policy=retry, log=_log)
        self.account_iban = account_iban
        self.retry = retry
        self.entries: dict[str, _Entry] = {}
        self.payments: dict[str, _Payment] = {}
        self.payments_by_key: dict[str, _Payment] = {}

    def book(self, amount: Decimal, body: TransferIn) -> _Entry:
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
        entry = _Entry(
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

    def book_return(self, original: _Entry, reason: str) -> _Entry:
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
        entry = _Entry(
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
            creditor_account=_account_key(body.creditor_account),
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
                party_iban=_account_key(e.sender_iban),
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


def create_app(
    *,
    webhook_url: str,
    webhook_secret: bytes,
    account_iban: str,
    retry: RetryPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    drop_dir: Path | None = None,
) -> FastAPI:
    """The sandbox as an ASGI app. ``transport`` replaces the network for outgoing webhooks."""
    bank = _Sandbank(
        WebhookTarget(webhook_url, webhook_secret, transport),
        account_iban=account_iban,
        retry=retry or RetryPolicy(),
    )

    app = sandbox_app("Sandbank (bank sandbox)", bank)
    answer_problems(app, vendor="sandbank")

    def entry_or_404(entry_id: str) -> _Entry:
        entry = bank.entries.get(entry_id)
        if entry is None:
            raise SandboxProblem(404, "not_found", "Not found", f"no transfer {entry_id!r}")
        return entry

    @app.get("/account")
    async def account() -> dict[str, Any]:
        return {"iban": bank.account_iban, "balances": bank.balances()}

    @app.post("/transfers", status_code=202)
    async def create_transfer(body: TransferIn) -> dict[str, Any]:
        amount = parse_amount(body.amount, body.currency)
        entry = bank.book(amount, body)
        delay = (
            bank.retry.delay_webhook_seconds if body.sender_name == DELAY_WEBHOOK_SENDER else 0.0
        )
        bank.webhooks.schedule(entry, delay=delay)
        return entry.view()

    @app.post("/payments", status_code=202)
    async def create_payment(body: PaymentIn, request: Request) -> dict[str, Any]:
        key = request.headers.get("idempotency-key", "")
        if not 1 <= len(key) <= 200:
            raise SandboxProblem(
                422, "idempotency_key_required", "Idempotency-Key required", "send one per payment"
            )
        amount = parse_amount(body.amount, body.currency)
        if body.creditor_name == REFUSE_PAYMENT_CREDITOR:
            raise SandboxProblem(
                422, "payment_refused", "Payment refused", "the bank refused this payment"
            )
        return bank.pay(key, amount, body).view()

    @app.post("/pain001", status_code=202)
    async def upload_pain001(request: Request) -> dict[str, Any]:
        try:
            upload = parse_pain001(await request.body())
        except Pain001Rejected as exc:
            raise SandboxProblem(422, "pain001_invalid", "Invalid pain.001", str(exc)) from exc
        payments = []
        for tx in upload.transfers:
            amount = parse_amount(tx.amount, tx.currency)
            body = PaymentIn(
                amount=tx.amount,
                currency=tx.currency,
                creditor_name=tx.creditor_name,
                creditor_account=tx.creditor_iban,
                reference=tx.remittance,
            )
            payment = bank.pay(f"{upload.message_id}/{tx.end_to_end_id}", amount, body)
            payments.append(
                {
                    "end_to_end_id": tx.end_to_end_id,
                    "id": payment.id,
                    "status": payment.view()["status"],
                }
            )
        return {"message_id": upload.message_id, "payments": payments}

    @app.get("/payments/{payment_id}")
    async def get_payment(payment_id: str) -> dict[str, Any]:
        payment = bank.payments.get(payment_id)
        if payment is None:
            raise SandboxProblem(404, "not_found", "Not found", f"no payment {payment_id!r}")
        return payment.view()

    @app.get("/payments")
    async def list_payments(creditor_account: str) -> dict[str, Any]:
        wanted = _account_key(creditor_account)
        found = [p.view() for p in bank.payments.values() if p.creditor_account == wanted]
        return {"data": found}

    @app.get("/transfers/{entry_id}")
    async def get_transfer(entry_id: str) -> dict[str, Any]:
        entry = entry_or_404(entry_id)
        return {
            **entry.view(),
            "deliveries": [d.view() for d in entry.deliveries],
        }

    @app.post("/transfers/{entry_id}/return", status_code=202)
    async def return_transfer(entry_id: str, body: ReturnIn) -> dict[str, Any]:
        returned = bank.book_return(entry_or_404(entry_id), body.reason)
        bank.webhooks.schedule(returned)
        return returned.view()

    @app.post("/transfers/{entry_id}/redeliver", status_code=202)
    async def redeliver(entry_id: str) -> dict[str, Any]:
        entry = entry_or_404(entry_id)
        bank.webhooks.schedule(entry)
        return entry.view()

    app.include_router(
        statements_router(bookings=bank.bookings, account_iban=bank.account_iban, drop_dir=drop_dir)
    )
    return app


# --- process ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = sandbox_arguments("onramp.devstack.bank_sandbox", "Sandbank: a bank sandbox.")
    add_webhook_arguments(parser, secret_env=SECRET_ENV, max_attempts=RetryPolicy.max_attempts)
    parser.add_argument("--account-iban", required=True)
    parser.add_argument("--drop-dir", type=Path, help="where POST /drops/... writes files")
    args = parser.parse_args(argv)
    app = create_app(
        webhook_url=args.webhook_url,
        webhook_secret=require_webhook_secret(parser, args, secret_env=SECRET_ENV),
        account_iban=args.account_iban,
        retry=RetryPolicy(max_attempts=args.max_attempts),
        drop_dir=args.drop_dir,
    )
    serve(app, host=args.host, port=args.port)


BankSandbox = RunningSandbox


def start_bank_sandbox(
    state_dir: Path,
    *,
    webhook_url: str,
    webhook_secret: str,
    account_iban: str,
    port: int | None = None,
    timeout: float = 20.0,
    drop_dir: Path | None = None,
) -> BankSandbox:
    """Spawn the sandbox (logs: ``state_dir/logs/bank_sandbox.log``); return once it is healthy."""
    return start_sandbox(
        "bank_sandbox",
        [
            "--webhook-url",
            webhook_url,
            "--account-iban",
            account_iban,
            *(["--drop-dir", str(drop_dir)] if drop_dir else []),
        ],  # fmt: skip
        state_dir=state_dir,
        env={SECRET_ENV: webhook_secret},
        port=port,
        timeout=timeout,
        label="bank sandbox",
    )


if __name__ == "__main__":
    main()
