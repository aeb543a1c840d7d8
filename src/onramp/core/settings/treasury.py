"""Settings of the treasury: the gas wallet, its payout limits and circuit breaker, and the USDC
issuer."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, SecretStr

from onramp.core.settings.base import ANVIL_EXECUTOR_KEY, Section


class TreasurySettings(Section):
    """Wallets, liquidity and rebalancing (docs/treasury.md). Wallets and their policies live in
    the database (``/v1/admin/treasury/wallets``); here only who sends the treasurers' signed
    Safe transactions: the gas wallet, whose key is in the HSM (``local``: development only)."""

    executor_signer: Literal["local", "hsm"] = "local"
    executor_key_id: str = Field(default="", pattern=r"^([0-9a-f]{2})*$")
    executor_private_key: SecretStr = SecretStr(ANVIL_EXECUTOR_KEY)
    # How often the worker compares balances with the policies and executes approved proposals.
    check_interval_seconds: float = Field(default=5.0, gt=0)


class TreasuryRiskSettings(Section):
    """The treasury's own payout limits (USDC, checked right before signing; over one, a payout
    is held) and the circuit breaker's triggers (docs/risk.md)."""

    max_per_payout_usdc: Decimal = Field(default=Decimal("250000"), gt=0)
    max_per_customer_24h_usdc: Decimal = Field(default=Decimal("500000"), gt=0)
    max_total_24h_usdc: Decimal = Field(default=Decimal("20000000"), gt=0)
    # Hot exposure: USDC the hot key has signed away and the chain has not yet confirmed
    # (signed or broadcast payouts) plus the batch about to be signed.
    max_hot_exposure_usdc: Decimal = Field(default=Decimal("5000000"), gt=0)
    # Trip: this many failed payouts within the window.
    failure_spike_count: int = Field(default=5, ge=1)
    failure_window_seconds: int = Field(default=900, ge=60)
    # Trip: the ledger's chain:vault:USDC and the vault's on-chain balance differ by more.
    reconciliation_break_usdc: Decimal = Field(default=Decimal("10000"), ge=0)
    peg_deviation_trips: bool = True
    check_interval_seconds: float = Field(default=5.0, gt=0)
    # The guardian key (CKA_ID, hex, in the HSM) holding the vault's PAUSER_ROLE; unset, the
    # breaker stops payouts off-chain only.
    guardian_key_id: str = Field(default="", pattern=r"^([0-9a-f]{2})*$")
    # A guardian pause/unpause not mined this long after it was signed is replaced: same nonce,
    # fees raised by ``chain.fee_bump_percent`` up to ``chain.max_fee_per_gas_gwei``.
    guardian_replace_after_seconds: float = Field(default=30.0, gt=0)


class IssuerWireAccountSettings(Section):
    """The operator's bank account that wires fiat to the USDC issuer and receives redemptions."""

    account_number: str = "000123456789"
    routing_number: str = "121000248"
    bank_name: str = "SANDBOX BANK"
    bank_city: str = "San Francisco"
    bank_country: str = "US"
    holder_name: str = "onramp Treasury"
    holder_line1: str = "1 Treasury Street"
    holder_city: str = "Berlin"
    holder_postal_code: str = "10115"
    holder_country: str = "DE"


class IssuerSettings(Section):
    """The USDC issuer (mint and redeem), Circle-Mint-shaped; the dev stack runs its sandbox."""

    vendor: Literal["circle"] = "circle"
    api_url: str = ""
    api_key: SecretStr = SecretStr("")
    webhook_secret: SecretStr = SecretStr("sandbox-issuer-webhook-secret-change-me")
    webhook_tolerance_seconds: int = Field(default=300, ge=1)
    request_timeout_seconds: float = Field(default=10.0, gt=0)
    # Wires go by the issuer sandbox's mock endpoint (local only); production wires through
    # the bank (a WireSender over the banking domain's payments).
    sandbox_mock_wire: bool = True
    wire_account: IssuerWireAccountSettings = IssuerWireAccountSettings()
    poll_seconds: float = Field(default=0.2, gt=0)
    timeout_seconds: float = Field(default=120.0, gt=0)
