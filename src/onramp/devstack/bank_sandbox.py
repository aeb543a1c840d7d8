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
``POST /transfers/batch``
    Up to 1,000 transfers booked at once, notified in ``credit_transfers.booked`` webhooks of up
    to ``webhook_batch_size`` entries each, or not at all (``"notify": "none"``: camt.054 only).
    See :mod:`onramp.devstack.bank_sandbox_batch`.
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
``PUT /_faults``, ``GET /_faults``, ``DELETE /_faults``
    Failure injection (5xx and hung answers, webhooks twice, late and out of order, seeded):
    ``sandbox_kit/faults.py``, docs/operations.md (Vendor faults).

Webhooks
--------
``POST <webhook-url>`` with ``Content-Type: application/json`` and the body::

    {"id": "evt_...", "type": "credit_transfer.booked", "created_at": "...Z",
     "data": {"entry_id", "amount", "currency", "reference", "sender_name", "sender_iban",
              "account_iban", "booked_at", "end_to_end_id"}}

a batch of bookings (``POST /transfers/batch``) as ``"type": "credit_transfers.booked"`` with
``"data": {"entries": [<the data above>, ...]}``, and for a return
``"type": "credit_transfer.returned"`` with ``"data": {"entry_id" (the
return's own booking id), "original_entry_id", "amount", "currency", "end_to_end_id",
"reason", "account_iban", "booked_at"}``.

Each entry has exactly one event of its own (a batch webhook is one more, with its own id): every
delivery and redelivery of an event sends the same bytes. The header
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

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request

from onramp.devstack.bank_sandbox_batch import batch_router
from onramp.devstack.bank_sandbox_state import (
    CURRENCY_EXPONENTS,
    DELAY_WEBHOOK_SENDER,
    EVENT_TYPE,
    REFUSE_PAYMENT_CREDITOR,
    RETURN_EVENT_TYPE,
    SECRET_ENV,
    SIGNATURE_HEADER,
    Entry,
    PaymentIn,
    RetryPolicy,
    ReturnIn,
    Sandbank,
    TransferIn,
    account_key,
    parse_amount,
)
from onramp.devstack.bank_sandbox_statements import statements_router
from onramp.devstack.pain001_upload import Pain001Rejected, Pain001Upload, parse_pain001
from onramp.devstack.process import SANDBOX_START_TIMEOUT
from onramp.devstack.sandbox_kit import (
    PROBLEM_JSON,
    RunningSandbox,
    SandboxProblem,
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
    bank = Sandbank(
        WebhookTarget(webhook_url, webhook_secret, transport),
        account_iban=account_iban,
        retry=retry or RetryPolicy(),
    )

    app = sandbox_app("Sandbank (bank sandbox)", bank)
    answer_problems(app, vendor="sandbank")

    @app.get("/account")
    async def account() -> dict[str, Any]:
        return {"iban": bank.account_iban, "balances": bank.balances()}

    app.include_router(batch_router(bank))  # before /transfers/{entry_id}
    app.include_router(_transfers_router(bank))
    app.include_router(_payments_router(bank))
    app.include_router(
        statements_router(bookings=bank.bookings, account_iban=bank.account_iban, drop_dir=drop_dir)
    )
    return app


def _transfers_router(bank: Sandbank) -> APIRouter:
    """Incoming credit transfers: booked, looked at, returned, their webhook sent again."""
    router = APIRouter()

    def entry_or_404(entry_id: str) -> Entry:
        entry = bank.entries.get(entry_id)
        if entry is None:
            raise SandboxProblem(404, "not_found", "Not found", f"no transfer {entry_id!r}")
        return entry

    @router.post("/transfers", status_code=202)
    async def create_transfer(body: TransferIn) -> dict[str, Any]:
        amount = parse_amount(body.amount, body.currency)
        entry = bank.book(amount, body)
        delay = (
            bank.retry.delay_webhook_seconds if body.sender_name == DELAY_WEBHOOK_SENDER else 0.0
        )
        bank.webhooks.schedule(entry, delay=delay)
        return entry.view()

    @router.get("/transfers/{entry_id}")
    async def get_transfer(entry_id: str) -> dict[str, Any]:
        entry = entry_or_404(entry_id)
        return {
            **entry.view(),
            "deliveries": [d.view() for d in entry.deliveries],
        }

    @router.post("/transfers/{entry_id}/return", status_code=202)
    async def return_transfer(entry_id: str, body: ReturnIn) -> dict[str, Any]:
        returned = bank.book_return(entry_or_404(entry_id), body.reason)
        bank.webhooks.schedule(returned)
        return returned.view()

    @router.post("/transfers/{entry_id}/redeliver", status_code=202)
    async def redeliver(entry_id: str) -> dict[str, Any]:
        entry = entry_or_404(entry_id)
        bank.webhooks.schedule(entry)
        return entry.view()

    return router


def _payments_router(bank: Sandbank) -> APIRouter:
    """Outgoing payments: one at a time by idempotency key, or a pain.001 file of them."""
    router = APIRouter()

    @router.post("/payments", status_code=202)
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

    @router.post("/pain001", status_code=202)
    async def upload_pain001(request: Request) -> dict[str, Any]:
        try:
            upload = parse_pain001(await request.body())
        except Pain001Rejected as exc:
            raise SandboxProblem(422, "pain001_invalid", "Invalid pain.001", str(exc)) from exc
        return {"message_id": upload.message_id, "payments": _pay_upload(bank, upload)}

    @router.get("/payments/{payment_id}")
    async def get_payment(payment_id: str) -> dict[str, Any]:
        payment = bank.payments.get(payment_id)
        if payment is None:
            raise SandboxProblem(404, "not_found", "Not found", f"no payment {payment_id!r}")
        return payment.view()

    @router.get("/payments")
    async def list_payments(creditor_account: str) -> dict[str, Any]:
        wanted = account_key(creditor_account)
        found = [p.view() for p in bank.payments.values() if p.creditor_account == wanted]
        return {"data": found}

    return router


def _pay_upload(bank: Sandbank, upload: Pain001Upload) -> list[dict[str, Any]]:
    """Each transfer of a pain.001 file paid as ``POST /payments`` would, keyed by
    ``<MsgId>/<EndToEndId>`` (the same file again answers the same payments)."""
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
    return payments


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
    timeout: float = SANDBOX_START_TIMEOUT,
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
