"""Sandmint's books: bank accounts, deposits, transfers, payouts and the account balance, in
memory, with the background work (wires arriving, mints, deposits seen on-chain, payouts
settling) and its signed notifications. See ``issuer_sandbox`` for the HTTP surface."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from onramp.devstack.issuer_sandbox_chain import IssuerToken
from onramp.devstack.sandbox_kit import DeliveryPolicy, SandboxState, WebhookEvent, WebhookTarget

_log = logging.getLogger("onramp.devstack.issuer_sandbox")

SIGNATURE_HEADER = "Sandmint-Signature"
FAIL_TRANSFER_AMOUNT = 13_130_000  # 13.13 USD: the transfer fails (magic value)
CHAIN = "ETH"


class SandboxError(Exception):
    """An error answered as Circle does: ``{"code": <int>, "message": "..."}``."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Timing:
    wire_seconds: float = 0.5  # a mock wire is credited this long after it is sent
    payout_seconds: float = 0.3
    poll_seconds: float = 0.3  # how often the deposit address is looked at on-chain
    max_attempts: int = 20  # webhook deliveries
    webhook_timeout: float = 10.0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def usd(base_units: int) -> dict[str, str]:
    """USDC base units as a Circle amount: 2 decimals when whole cents, else all 6."""
    value = Decimal(base_units).scaleb(-6)
    text = f"{value:.2f}" if base_units % 10**4 == 0 else f"{value:.6f}"
    return {"amount": text, "currency": "USD"}


def _fingerprint(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


class Sandmint(SandboxState):
    def __init__(
        self,
        *,
        token: IssuerToken,
        target: WebhookTarget,
        timing: Timing,
    ) -> None:
        policy = DeliveryPolicy(max_attempts=timing.max_attempts, timeout=timing.webhook_timeout)
        super().__init__(target, signature_header=SIGNATURE_HEADER, policy=policy, log=_log)
        self.token = token
        self.timing = timing
        self.wallet_id = str(1_000_000_000 + secrets.randbelow(10**9))
        self.client_id = str(uuid.uuid4())
        self.available = 0  # USDC base units
        self.unsettled = 0
        self.store: dict[str, dict[str, dict[str, Any]]] = {
            "banks": {},
            "recipients": {},
            "deposit_addresses": {},
            "transfers": {},
            "payouts": {},
            "wires": {},
        }
        self.deposits: dict[str, dict[str, Any]] = {}
        self.notifications: list[dict[str, Any]] = []
        self._keys: dict[str, tuple[str, str, str]] = {}  # key -> (fingerprint, kind, id)

    # --- plumbing -----------------------------------------------------------------------------

    def later(self, work: Coroutine[Any, Any, None]) -> None:
        self.background.start(work)

    def find(self, kind: str, resource_id: str) -> dict[str, Any]:
        resource = self.store[kind].get(resource_id)
        if resource is None:
            raise SandboxError(404, 1001, f"no {kind[:-1]} {resource_id!r}")
        return resource

    def idempotent(
        self, key: str, body: dict[str, Any], create: Callable[[], dict[str, Any]]
    ) -> tuple[dict[str, Any], bool]:
        """The resource made for ``key`` (and False), or a new one (and True)."""
        fingerprint = _fingerprint(body)
        known = self._keys.get(key)
        if known is not None:
            if known[0] != fingerprint:
                raise SandboxError(409, 1100, "idempotencyKey reused with a different request")
            return self.store[known[1]][known[2]], False
        resource = create()
        self._keys[key] = (fingerprint, resource["_kind"], resource["id"])
        return resource, True

    def _save(self, kind: str, resource: dict[str, Any]) -> dict[str, Any]:
        resource["_kind"] = kind
        self.store[kind][resource["id"]] = resource
        return resource

    # --- wires in -----------------------------------------------------------------------------

    def add_bank(self, body: dict[str, Any]) -> dict[str, Any]:
        account = str(body["accountNumber"])
        bank = body["bankAddress"]
        return self._save(
            "banks",
            {
                "id": str(uuid.uuid4()),
                "status": "complete",
                "description": f"{bank.get('bankName', 'BANK')} ****{account[-4:]}",
                "trackingRef": "CIR" + secrets.token_hex(4).upper(),
                "fingerprint": hashlib.sha256(account.encode()).hexdigest()[:36],
                "billingDetails": body["billingDetails"],
                "bankAddress": bank,
                "createDate": _now(),
                "updateDate": _now(),
            },
        )

    def instructions(self, bank_id: str) -> dict[str, Any]:
        bank = self.find("banks", bank_id)
        return {
            "trackingRef": bank["trackingRef"],
            "beneficiary": {"name": "CIRCLE INTERNET FINANCIAL INC (SANDBOX)", "address1": "-"},
            "beneficiaryBank": {
                "name": "SANDMINT BANK",
                "swiftCode": "SANDUS33",
                "routingNumber": "121000248",
                "accountNumber": f"{int(self.wallet_id):012d}",
                "currency": "USD",
                "country": "US",
            },
        }

    def receive_wire(self, tracking_ref: str, amount: int, account_number: str) -> dict[str, Any]:
        banks = [b for b in self.store["banks"].values() if b["trackingRef"] == tracking_ref]
        if not banks:
            raise SandboxError(400, 2, f"no bank account has trackingRef {tracking_ref!r}")
        if account_number != f"{int(self.wallet_id):012d}":
            raise SandboxError(400, 2, "beneficiaryBank.accountNumber is not this account's")
        wire = self._save(
            "wires",
            {
                "id": str(uuid.uuid4()),
                "trackingRef": tracking_ref,
                "amount": usd(amount),
                "beneficiaryBank": {"accountNumber": account_number},
                "status": "pending",
            },
        )
        self.unsettled += amount
        self.later(self._credit_wire(wire, amount, banks[0]["id"]))
        return wire

    async def _credit_wire(self, wire: dict[str, Any], amount: int, bank_id: str) -> None:
        await asyncio.sleep(self.timing.wire_seconds)
        self.unsettled -= amount
        wire["status"] = "processed"
        deposit = self._deposit(
            "wire", amount, sourceBankId=bank_id, trackingRef=wire["trackingRef"]
        )
        await self.notify("deposits", "deposit", deposit)

    def _deposit(self, kind: str, amount: int, **extra: Any) -> dict[str, Any]:
        self.available += amount
        deposit = {
            "id": str(uuid.uuid4()),
            "type": kind,
            "destination": {"type": "wallet", "id": self.wallet_id},
            "amount": usd(amount),
            "status": "complete",
            "createDate": _now(),
            **extra,
        }
        self.deposits[deposit["id"]] = deposit
        return deposit

    def balances(self) -> dict[str, Any]:
        return {"available": [usd(self.available)], "unsettled": [usd(self.unsettled)]}

    # --- USDC out: transfers (mints) ----------------------------------------------------------

    def add_recipient(self, body: dict[str, Any]) -> dict[str, Any]:
        if body["chain"] != CHAIN:
            raise SandboxError(400, 2, f"chain must be {CHAIN}")
        return self._save(
            "recipients",
            {
                "id": str(uuid.uuid4()),
                "address": str(body["address"]),
                "chain": CHAIN,
                "currency": "USD",
                "description": str(body["description"]),
                "status": "active",
            },
        )

    def deposit_address(self, body: dict[str, Any]) -> dict[str, Any]:
        if body["chain"] != CHAIN:
            raise SandboxError(400, 2, f"chain must be {CHAIN}")
        return self._save(
            "deposit_addresses",
            {
                "id": str(uuid.uuid4()),
                "address": self.token.deposit_address,
                "currency": "USD",
                "chain": CHAIN,
            },
        )

    def transfer(self, destination: Any, amount: int) -> dict[str, Any]:
        if not isinstance(destination, dict) or destination.get("type") != "verified_blockchain":
            raise SandboxError(400, 2, "destination must be {type: verified_blockchain, addressId}")
        recipient = self.store["recipients"].get(str(destination.get("addressId")))
        if recipient is None or recipient["status"] != "active":
            raise SandboxError(400, 5001, "destination addressId is not an active recipient")
        if amount > self.available:
            raise SandboxError(400, 5000, "insufficient funds")
        self.available -= amount
        transfer = self._save(
            "transfers",
            {
                "id": str(uuid.uuid4()),
                "source": {"type": "wallet", "id": self.wallet_id},
                "destination": {
                    "type": "blockchain",
                    "address": recipient["address"],
                    "chain": CHAIN,
                },
                "amount": usd(amount),
                "transactionHash": None,
                "status": "pending",
                "createDate": _now(),
            },
        )
        self.later(self._mint(transfer, amount))
        return transfer

    async def _mint(self, transfer: dict[str, Any], amount: int) -> None:
        try:
            if amount == FAIL_TRANSFER_AMOUNT:
                raise RuntimeError("magic amount 13.13")
            transfer["transactionHash"] = await self.token.mint(
                transfer["destination"]["address"], amount
            )
            transfer["status"] = "complete"
        except Exception as exc:  # any failure of the mint fails the transfer, as the vendor's
            _log.warning("transfer %s failed: %s", transfer["id"], exc)
            self.available += amount
            transfer |= {"status": "failed", "errorCode": "transfer_failed"}
        await self.notify("transfers", "transfer", transfer)

    # --- USDC in: deposits seen on-chain, burned; fiat out: payouts -----------------------------

    async def watch_deposits(self) -> None:
        while True:
            try:
                for incoming in await self.token.incoming():
                    deposit = self._deposit(
                        "blockchain",
                        incoming.amount,
                        transactionHash=incoming.tx_hash,
                        sourceAddress=incoming.sender,
                    )
                    deposit["burnTransactionHash"] = await self.token.burn(incoming.amount)
                    await self.notify("deposits", "deposit", deposit)
            except Exception as exc:  # the node may be down a moment: look again later
                _log.warning("deposit scan failed: %s", exc)
            await asyncio.sleep(self.timing.poll_seconds)

    def payout(self, destination: Any, amount: int) -> dict[str, Any]:
        if not isinstance(destination, dict) or destination.get("type") != "wire":
            raise SandboxError(400, 2, "destination must be {type: wire, id}")
        bank = self.store["banks"].get(str(destination.get("id")))
        if bank is None:
            raise SandboxError(400, 2, "destination id is not a registered wire bank account")
        if amount > self.available:
            raise SandboxError(400, 5000, "insufficient funds")
        self.available -= amount
        payout = self._save(
            "payouts",
            {
                "id": str(uuid.uuid4()),
                "sourceWalletId": self.wallet_id,
                "destination": {"type": "wire", "id": bank["id"], "name": bank["description"]},
                "amount": usd(amount),
                "fees": usd(0),
                "trackingRef": bank["trackingRef"],
                "status": "pending",
                "createDate": _now(),
                "updateDate": _now(),
            },
        )
        self.later(self._settle(payout))
        return payout

    async def _settle(self, payout: dict[str, Any]) -> None:
        await asyncio.sleep(self.timing.payout_seconds)
        payout |= {"status": "complete", "updateDate": _now()}
        await self.notify("payouts", "payout", payout)

    # --- notifications ------------------------------------------------------------------------

    async def notify(self, kind: str, name: str, resource: dict[str, Any]) -> None:
        public = {k: v for k, v in resource.items() if not k.startswith("_")}
        event = {
            "notificationId": str(uuid.uuid4()),
            "clientId": self.client_id,
            "notificationType": kind,
            "version": 1,
            name: public,
        }
        self.notifications.append(event)
        if self.webhook_url:
            body = json.dumps(event, separators=(",", ":")).encode()
            self.webhooks.schedule(WebhookEvent(str(event["notificationId"]), body))
