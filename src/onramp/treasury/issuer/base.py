"""What every USDC issuer adapter gives the treasury, shaped like Circle Mint: a wire bank
account registered with the issuer (and the wire instructions, with the ``trackingRef`` the wire
must carry), the account's deposits and balance, transfers that mint USDC to a verified
blockchain address, a deposit address that takes USDC back (burned by the issuer), and payouts
that wire fiat to a registered bank account. Every create takes an idempotency key (a UUID)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from onramp.core.money import Money

Status = Literal["pending", "complete", "failed"]


@dataclass(frozen=True)
class WireAccountDetails:
    """The operator's bank account that wires to the issuer and receives its payouts."""

    account_number: str
    routing_number: str
    bank_name: str
    bank_city: str
    bank_country: str  # ISO 3166-1 alpha-2
    holder_name: str
    holder_line1: str
    holder_city: str
    holder_postal_code: str
    holder_country: str


@dataclass(frozen=True)
class WireBankAccount:
    id: str
    status: str
    description: str
    tracking_ref: str


@dataclass(frozen=True)
class WireInstructions:
    """Where to wire, and the reference the wire must carry so the issuer credits us."""

    tracking_ref: str
    beneficiary_name: str
    bank_name: str
    swift_code: str
    routing_number: str
    account_number: str
    currency: str


@dataclass(frozen=True)
class IssuerDeposit:
    id: str
    kind: str  # wire | blockchain
    amount: Money  # USDC
    status: str
    transaction_hash: str | None = None  # blockchain deposits


@dataclass(frozen=True)
class IssuerBalance:
    available: Money  # USDC
    unsettled: Money


@dataclass(frozen=True)
class RecipientAddress:
    id: str
    address: str
    chain: str
    status: str  # active once the issuer allows transfers to it


@dataclass(frozen=True)
class DepositAddress:
    address: str
    chain: str


@dataclass(frozen=True)
class IssuerTransfer:
    """USDC leaving the issuer account for a blockchain address: minted on-chain."""

    id: str
    status: Status
    amount: Money
    address: str
    transaction_hash: str | None
    error_code: str | None = None


@dataclass(frozen=True)
class IssuerPayout:
    """Fiat leaving the issuer account for a registered wire bank account."""

    id: str
    status: Status
    amount: Money
    bank_account_id: str
    error_code: str | None = None


@dataclass(frozen=True)
class IssuerNotice:
    """A verified notification. ``transfer``/``payout`` are set for those types."""

    notification_id: str
    kind: str  # deposits | transfers | payouts | ...
    payload: dict[str, Any]
    transfer: IssuerTransfer | None = None
    payout: IssuerPayout | None = None


class Issuer(Protocol):
    name: str

    async def register_wire_account(
        self, account: WireAccountDetails, *, idempotency_key: str
    ) -> WireBankAccount: ...

    async def wire_instructions(self, bank_account_id: str) -> WireInstructions: ...

    async def deposits(self) -> list[IssuerDeposit]: ...

    async def balance(self) -> IssuerBalance: ...

    async def add_recipient_address(
        self, address: str, *, description: str, idempotency_key: str
    ) -> RecipientAddress: ...

    async def deposit_address(self, *, idempotency_key: str) -> DepositAddress: ...

    async def create_transfer(
        self, *, recipient_id: str, amount: Money, idempotency_key: str
    ) -> IssuerTransfer:
        """Mint ``amount`` to the recipient; the same key answers the same transfer."""
        ...

    async def get_transfer(self, transfer_id: str) -> IssuerTransfer: ...

    async def create_payout(
        self, *, bank_account_id: str, amount: Money, idempotency_key: str
    ) -> IssuerPayout:
        """Wire ``amount`` of the account's balance out; the same key, the same payout."""
        ...

    async def get_payout(self, payout_id: str) -> IssuerPayout: ...

    def parse_notification(
        self, headers: Mapping[str, str], body: bytes, *, now: datetime
    ) -> IssuerNotice:
        """Verify the signature over the raw body, then parse. Raises
        InvalidIssuerWebhookSignature or MalformedIssuerNotification."""
        ...


class WireSender(Protocol):
    """Sends the operator's wire to the issuer: the bank's payment API in production, the
    issuer sandbox's mock wire locally. The same key is the same wire."""

    async def send_wire(
        self, instructions: WireInstructions, amount: Money, *, idempotency_key: str
    ) -> None: ...


class UsdcSender(Protocol):
    """Moves treasury USDC on-chain to the issuer's deposit address (for a redeem): the cold
    Safe's transaction, signed by the treasurers (locally by the demo treasurers' keys)."""

    @property
    def wallet(self) -> str:
        """The registry name of the wallet the USDC leaves (booked out of its ledger account)."""
        ...

    async def send_usdc(self, to: str, amount: Money) -> str:
        """The transaction hash, once mined."""
        ...
