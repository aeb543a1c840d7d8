"""Outgoing payments through the sandbox bank's API: ``POST /payments`` one at a time,
``POST /pain001`` a SEPA file of them, ``GET /payments/{id}`` where one stands.

Every payment carries an idempotency key (a file: its message id with each EndToEndId): sending
the same again (a worker retry after a crash) answers the first payment, so a payment is made
once however often it is asked for, and a call that failed on the way is retried
(``core.vendor_http``). The bank's refusal (a 4xx it would answer again) is ``BankRefused``:
nothing was paid; every other failure is ``BankUnavailable``, and the bank may have paid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from onramp.banking.adapters.base import OutgoingPayment, PaymentAccepted
from onramp.banking.errors import BankRefused, BankUnavailable
from onramp.core.errors import OnrampError
from onramp.core.vendor_http import (
    TRANSIENT_STATUSES,
    VendorErrors,
    VendorHttpClient,
    VendorRetry,
    answer_summary,
)


def _answered(status: int, body: Mapping[str, Any] | None) -> OnrampError:
    summary = answer_summary("bank", status, body)
    if 400 <= status < 500 and status not in TRANSIENT_STATUSES:
        return BankRefused(summary)
    return BankUnavailable(summary)


BANK_ERRORS = VendorErrors(
    unavailable=BankUnavailable,
    for_status=_answered,
    not_configured=lambda: BankRefused("no bank API URL is configured (ONRAMP_BANKING__API_URL)"),
)


class SandboxBankPayments:
    name = "sandbox"

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: VendorRetry | None = None,
    ) -> None:
        self._http = VendorHttpClient(
            vendor="bank",
            base_url=base_url,
            errors=BANK_ERRORS,
            timeout=timeout,
            retry=retry,
            transport=transport,
        )

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        data: dict[str, Any] = await self._http.request(method, path, **kwargs)
        return data

    async def send_payment(self, payment: OutgoingPayment) -> PaymentAccepted:
        body = {
            "amount": str(payment.amount),
            "currency": payment.amount.currency,
            "creditor_name": payment.creditor_name[:70],
            "creditor_account": payment.creditor_account,
            "reference": payment.reference[:140],
        }
        data = await self._call(
            "POST",
            "/payments",
            json=body,
            headers={"Idempotency-Key": payment.idempotency_key},
            idempotent=True,  # the bank answers the first payment again for the same key
        )
        return PaymentAccepted(payment_id=str(data["id"]), status=str(data["status"]))

    async def payment_status(self, payment_id: str) -> PaymentAccepted:
        data = await self._call("GET", f"/payments/{payment_id}")
        return PaymentAccepted(payment_id=str(data["id"]), status=str(data["status"]))

    async def upload_pain001(self, xml: bytes) -> dict[str, PaymentAccepted]:
        data = await self._call(
            "POST",
            "/pain001",
            content=xml,
            headers={"Content-Type": "application/xml"},
            idempotent=True,  # the same file again answers the same payments
        )
        return {
            str(p["end_to_end_id"]): PaymentAccepted(
                payment_id=str(p["id"]), status=str(p["status"])
            )
            for p in data["payments"]
        }
