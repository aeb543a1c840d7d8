"""The Circle-Mint-shaped issuer over HTTP (the devstack's Sandmint speaks the same API): typed
answers, vendor failures turned into issuer errors with stable codes (``core.vendor_http``:
timeouts, reads and keyed creates retried, the API key sent as a bearer token). Creating the
adapter makes no network call; each request opens its own short-lived client."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from onramp.core.errors import InvalidInput, OnrampError
from onramp.core.money import Money
from onramp.core.vendor_http import VendorErrors, VendorHttpClient, VendorRetry, bearer_token
from onramp.core.vendor_payloads import load_vendor_json
from onramp.treasury.issuer import circle_documents as documents
from onramp.treasury.issuer.base import (
    DepositAddress,
    IssuerBalance,
    IssuerDeposit,
    IssuerNotice,
    IssuerPayout,
    IssuerTransfer,
    RecipientAddress,
    WireAccountDetails,
    WireBankAccount,
    WireInstructions,
)
from onramp.treasury.issuer.errors import (
    IssuerAmountNotWholeCents,
    IssuerIdempotencyConflict,
    IssuerInsufficientFunds,
    IssuerNotConfigured,
    IssuerRejected,
    IssuerResourceNotFound,
    IssuerUnavailable,
    MalformedIssuerNotification,
)
from onramp.treasury.issuer.webhooks import SIGNATURE_HEADER, verify_signature

CHAIN = "ETH"
INSUFFICIENT_FUNDS = 5000  # Sandmint's (Circle-style numeric) error code
_M = TypeVar("_M", bound=BaseModel)


def usd_amount(amount: Money) -> dict[str, str]:
    """A USDC amount as the issuer's ``{"amount": "1000.00", "currency": "USD"}``."""
    if amount.currency != "USDC" or not amount.is_positive():
        raise InvalidInput("issuer amounts are positive USDC amounts")
    if amount.minor % 10**4:
        raise IssuerAmountNotWholeCents(f"{amount} USDC has fractions of a cent")
    return {"amount": f"{amount.to_decimal():.2f}", "currency": "USD"}


def key_for(*parts: str) -> str:
    """A stable UUID idempotency key for the issuer from our own identifiers."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "onramp:issuer:" + ":".join(parts)))


class CircleMintIssuer:
    name = "circle"

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        webhook_secret: bytes,
        tolerance_seconds: int = 300,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: VendorRetry | None = None,
    ) -> None:
        self._http = VendorHttpClient(
            vendor="issuer",
            base_url=base_url,
            errors=ISSUER_ERRORS,
            timeout=timeout,
            retry=retry,
            signer=bearer_token(api_key),
            headers={"Accept": "application/json"},
            transport=transport,
        )
        self._secret = webhook_secret
        self._tolerance = tolerance_seconds

    async def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        # Every create carries an idempotency key: the issuer answers the same resource again.
        idempotent = method == "GET" or (body is not None and "idempotencyKey" in body)
        payload = await self._http.request(method, path, json=body, idempotent=idempotent)
        if not isinstance(payload, dict) or "data" not in payload:
            raise IssuerUnavailable("issuer answered without data")
        return payload["data"]

    async def register_wire_account(
        self, account: WireAccountDetails, *, idempotency_key: str
    ) -> WireBankAccount:
        data = await self._request(
            "POST",
            "/v1/businessAccount/banks/wires",
            {
                "idempotencyKey": idempotency_key,
                "accountNumber": account.account_number,
                "routingNumber": account.routing_number,
                "billingDetails": {
                    "name": account.holder_name,
                    "line1": account.holder_line1,
                    "city": account.holder_city,
                    "postalCode": account.holder_postal_code,
                    "country": account.holder_country,
                },
                "bankAddress": {
                    "bankName": account.bank_name,
                    "city": account.bank_city,
                    "country": account.bank_country,
                },
            },
        )
        bank = _parse(documents.Bank, data)
        return WireBankAccount(bank.id, bank.status, bank.description, bank.tracking_ref)

    async def wire_instructions(self, bank_account_id: str) -> WireInstructions:
        path = f"/v1/businessAccount/banks/wires/{bank_account_id}/instructions?currency=USD"
        found = _parse(documents.Instructions, await self._request("GET", path))
        bank = found.beneficiary_bank
        return WireInstructions(
            tracking_ref=found.tracking_ref,
            beneficiary_name=str(found.beneficiary.get("name", "")),
            bank_name=bank.name,
            swift_code=bank.swift_code,
            routing_number=bank.routing_number,
            account_number=bank.account_number,
            currency=bank.currency,
        )

    async def deposits(self) -> list[IssuerDeposit]:
        rows = await self._request("GET", "/v1/businessAccount/deposits")
        if not isinstance(rows, list):
            raise IssuerUnavailable("issuer deposits are not a list")
        found = [_parse(documents.Deposit, row) for row in rows]
        return [
            IssuerDeposit(d.id, d.type, d.amount.money(), d.status, d.transaction_hash)
            for d in found
        ]

    async def balance(self) -> IssuerBalance:
        found = _parse(
            documents.Balances, await self._request("GET", "/v1/businessAccount/balances")
        )
        return IssuerBalance(
            available=sum((a.money() for a in found.available), Money.zero("USDC")),
            unsettled=sum((a.money() for a in found.unsettled), Money.zero("USDC")),
        )

    async def add_recipient_address(
        self, address: str, *, description: str, idempotency_key: str
    ) -> RecipientAddress:
        data = await self._request(
            "POST",
            "/v1/businessAccount/wallets/addresses/recipient",
            {
                "idempotencyKey": idempotency_key,
                "address": address,
                "chain": CHAIN,
                "currency": "USD",
                "description": description,
            },
        )
        found = _parse(documents.Recipient, data)
        return RecipientAddress(found.id, found.address, found.chain, found.status)

    async def deposit_address(self, *, idempotency_key: str) -> DepositAddress:
        data = await self._request(
            "POST",
            "/v1/businessAccount/wallets/addresses/deposit",
            {"idempotencyKey": idempotency_key, "currency": "USD", "chain": CHAIN},
        )
        found = _parse(documents.DepositAddress, data)
        return DepositAddress(found.address, found.chain)

    async def create_transfer(
        self, *, recipient_id: str, amount: Money, idempotency_key: str
    ) -> IssuerTransfer:
        data = await self._request(
            "POST",
            "/v1/businessAccount/transfers",
            {
                "idempotencyKey": idempotency_key,
                "destination": {"type": "verified_blockchain", "addressId": recipient_id},
                "amount": usd_amount(amount),
            },
        )
        return _parse(documents.Transfer, data).domain()

    async def get_transfer(self, transfer_id: str) -> IssuerTransfer:
        data = await self._request("GET", f"/v1/businessAccount/transfers/{transfer_id}")
        return _parse(documents.Transfer, data).domain()

    async def create_payout(
        self, *, bank_account_id: str, amount: Money, idempotency_key: str
    ) -> IssuerPayout:
        data = await self._request(
            "POST",
            "/v1/businessAccount/payouts",
            {
                "idempotencyKey": idempotency_key,
                "destination": {"type": "wire", "id": bank_account_id},
                "amount": usd_amount(amount),
            },
        )
        return _parse(documents.Payout, data).domain()

    async def get_payout(self, payout_id: str) -> IssuerPayout:
        data = await self._request("GET", f"/v1/businessAccount/payouts/{payout_id}")
        return _parse(documents.Payout, data).domain()

    async def mock_wire(
        self, instructions: WireInstructions, amount: Money, *, idempotency_key: str
    ) -> None:
        """Sandbox only (Circle's sandbox has it too): a wire per the instructions arrives."""
        await self._request(
            "POST",
            "/v1/mocks/payments/wire",
            {
                "idempotencyKey": idempotency_key,
                "trackingRef": instructions.tracking_ref,
                "amount": usd_amount(amount),
                "beneficiaryBank": {"accountNumber": instructions.account_number},
            },
        )

    def parse_notification(
        self, headers: Mapping[str, str], body: bytes, *, now: datetime
    ) -> IssuerNotice:
        lowered = {k.lower(): v for k, v in headers.items()}
        verify_signature(
            self._secret,
            lowered.get(SIGNATURE_HEADER, ""),
            body,
            now=now.timestamp(),
            tolerance_seconds=self._tolerance,
        )
        try:
            payload: dict[str, Any] = load_vendor_json(body)
            found = documents.Notification.model_validate(payload)
            transfer = found.transfer.domain() if found.transfer else None
            payout = found.payout.domain() if found.payout else None
        except (ValidationError, InvalidInput) as exc:
            raise MalformedIssuerNotification(str(exc)[:300]) from exc
        return IssuerNotice(
            notification_id=found.notification_id,
            kind=found.notification_type,
            payload=payload,
            transfer=transfer,
            payout=payout,
        )


class SandboxMockWire:
    """The :class:`WireSender` of the sandbox: the issuer's own mock wire endpoint."""

    def __init__(self, issuer: CircleMintIssuer) -> None:
        self._issuer = issuer

    async def send_wire(
        self, instructions: WireInstructions, amount: Money, *, idempotency_key: str
    ) -> None:
        await self._issuer.mock_wire(instructions, amount, idempotency_key=idempotency_key)


def _parse(model: type[_M], data: Any) -> _M:
    try:
        return model.model_validate(data)
    except (ValidationError, InvalidInput) as exc:
        raise IssuerUnavailable(f"issuer answered an unexpected shape: {str(exc)[:200]}") from exc


def _error_for(status: int, payload: Mapping[str, Any] | None) -> OnrampError:
    if payload is None:  # an error page, not the issuer's answer
        return IssuerUnavailable(f"issuer answered {status} without a readable body")
    code, message = payload.get("code"), str(payload.get("message", ""))[:200]
    detail = f"issuer answered {status} (code {code}): {message}"
    if status in (401, 403) or status >= 500:
        return IssuerUnavailable(detail)
    if status == 404:
        return IssuerResourceNotFound(detail)
    if status == 409:
        return IssuerIdempotencyConflict(detail)
    if code == INSUFFICIENT_FUNDS:
        return IssuerInsufficientFunds(detail)
    return IssuerRejected(detail)


ISSUER_ERRORS = VendorErrors(
    unavailable=IssuerUnavailable, for_status=_error_for, not_configured=IssuerNotConfigured
)
