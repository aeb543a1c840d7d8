"""Outgoing payments through the sandbox bank's API (``POST /payments``).

Every payment carries an ``Idempotency-Key``: sending the same key again (a worker retry after
a crash) answers the first payment, so a payment is made once however often it is asked for.
"""

from __future__ import annotations

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

    async def send_payment(self, payment: OutgoingPayment) -> PaymentAccepted:
        if not self._base_url:
            raise BankUnavailable("no bank API URL is configured (ONRAMP_BANKING__API_URL)")
        body = {
            "amount": str(payment.amount),
            "currency": payment.amount.currency,
            "creditor_name": payment.creditor_name[:70],
            "creditor_account": payment.creditor_account,
            "reference": payment.reference[:140],
        }
        try:
            async with httpx.AsyncClient(
                base_url=self._base_url,
                timeout=self._timeout,
                transport=self._transport,
                trust_env=False,
            ) as client:
                response = await client.post(
                    "/payments", json=body, headers={"Idempotency-Key": payment.idempotency_key}
                )
        except httpx.HTTPError as exc:
            raise BankUnavailable(f"bank: {type(exc).__name__}") from exc
        if response.status_code >= 300:
            # The bank's problem code only: its detail may echo the creditor's details.
            code = response.json().get("code", "") if response.content else ""
            raise BankUnavailable(f"bank answered {response.status_code} {code}")
        data = response.json()
        return PaymentAccepted(payment_id=str(data["id"]), status=str(data["status"]))
