"""Outgoing payments through the sandbox bank's API: ``POST /payments`` one at a time,
``POST /pain001`` a SEPA file of them, ``GET /payments/{id}`` where one stands.

Every payment carries an idempotency key (a file: its message id with each EndToEndId): sending
the same again (a worker retry after a crash) answers the first payment, so a payment is made
once however often it is asked for.
"""

from __future__ import annotations

from typing import Any

import httpx

from onramp.banking.adapters.base import OutgoingPayment, PaymentAccepted
from onramp.banking.errors import BankUnavailable


class SandboxBankPayments:
    name = "sandbox"

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        # Creating the client makes no network call: the first payment does.
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._transport = transport

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        if not self._base_url:
            raise BankUnavailable("no bank API URL is configured (ONRAMP_BANKING__API_URL)")
        try:
            async with httpx.AsyncClient(
                base_url=self._base_url,
                timeout=self._timeout,
                transport=self._transport,
                trust_env=False,
            ) as client:
                response = await client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise BankUnavailable(f"bank: {type(exc).__name__}") from exc
        if response.status_code >= 300:
            # The bank's problem code only: its detail may echo the creditor's details.
            code = response.json().get("code", "") if response.content else ""
            raise BankUnavailable(f"bank answered {response.status_code} {code}")
        data: dict[str, Any] = response.json()
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
            "POST", "/payments", json=body, headers={"Idempotency-Key": payment.idempotency_key}
        )
        return PaymentAccepted(payment_id=str(data["id"]), status=str(data["status"]))

    async def payment_status(self, payment_id: str) -> PaymentAccepted:
        data = await self._call("GET", f"/payments/{payment_id}")
        return PaymentAccepted(payment_id=str(data["id"]), status=str(data["status"]))

    async def upload_pain001(self, xml: bytes) -> dict[str, PaymentAccepted]:
        data = await self._call(
            "POST", "/pain001", content=xml, headers={"Content-Type": "application/xml"}
        )
        return {
            str(p["end_to_end_id"]): PaymentAccepted(
                payment_id=str(p["id"]), status=str(p["status"])
            )
            for p in data["payments"]
        }
