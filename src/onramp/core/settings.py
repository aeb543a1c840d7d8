"""Configuration: one ``Settings`` with a section per domain, read from ``ONRAMP_*`` variables.

Nested fields use ``__``: ``ONRAMP_DATABASE__URL``, ``ONRAMP_CHAIN__RPC_URL``. Anything left unset
that names a running service (database, NATS, chain) is taken from the dev stack's
``.onramp/stack.json`` when one is running, so ``onramp`` commands just work beside ``onramp dev``.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from onramp.core.production_check import production_refusals

# Anvil's well-known test accounts. Local chains only: real deployments configure their own
# deployer, and sign payouts with a key in the HSM (ChainSettings.signer = "hsm").
ANVIL_DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ANVIL_PAYOUT_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
ANVIL_EXECUTOR_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"

REPO_ROOT = Path(__file__).resolve().parents[3]


def running_in_production() -> bool:
    """``ONRAMP_ENV=production`` (``Settings.env``), read from the process environment."""
    return os.environ.get("ONRAMP_ENV", "").strip().lower() == "production"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(_Section):
    url: str = ""
    pool_size: int = 10
    max_overflow: int = 10
    echo: bool = False


class NatsSettings(_Section):
    url: str = ""
    stream: str = "ONRAMP"


# The fewest confirmations production accepts per chain id (ChainSettings.min_confirmations):
# deep enough that a reorg past them has not been seen on that chain. A local chain (anvil,
# 31337) has no reorgs but those a test makes.
DEFAULT_MIN_CONFIRMATIONS: dict[int, int] = {
    1: 12,  # Ethereum mainnet (finality, ~64 blocks, is waited for besides where required)
    10: 10,  # OP Mainnet
    137: 128,  # Polygon PoS: reorgs of dozens of blocks have happened
    8453: 10,  # Base
    42161: 20,  # Arbitrum One
    11155111: 6,  # Sepolia
    84532: 6,  # Base Sepolia
    31337: 1,  # anvil
}


class ChainSettings(_Section):
    rpc_url: str = ""
    chain_id: int = 31337
    confirmations: int = Field(default=1, ge=1)
    # ONRAMP_ENV=production refuses ``confirmations`` below the entry for ``chain_id`` (and a
    # chain id with no entry): set ONRAMP_CHAIN__MIN_CONFIRMATIONS='{"<chain id>": N}' to add one.
    min_confirmations: dict[int, int] = Field(
        default_factory=lambda: dict(DEFAULT_MIN_CONFIRMATIONS)
    )
    # Where the node offers the ``finalized`` block tag, a payout (and any stored transaction)
    # is settled only once its block is at or below the finalized block; a node without the tag
    # is held to ``confirmations`` alone.
    require_finalized: bool = True
    usdc_address: str = ""
    vault_address: str = ""
    wallet_factory_address: str = ""
    # Who signs payouts: "local" (``payout_private_key`` in process memory; development only,
    # refused with ONRAMP_ENV=production) or "hsm" (the secp256k1 key with CKA_ID
    # ``payout_key_id``, hex, in the HSM token; ``onramp keys new-payout-key`` makes one).
    signer: Literal["local", "hsm"] = "local"
    payout_key_id: str = Field(default="", pattern=r"^([0-9a-f]{2})*$")
    payout_private_key: SecretStr = SecretStr(ANVIL_PAYOUT_KEY)
    payout_batch_size: int = Field(default=100, ge=1, le=500)
    # Wait up to this long after the oldest queued payout for a batch to fill before sending a
    # partial one (0: send at once). Bigger batches cost less gas per payout (bench/README.md).
    payout_batch_wait_seconds: float = Field(default=0.0, ge=0)
    poll_interval_seconds: float = 0.1
    # A broadcast transaction not mined after this long is sent again (same bytes).
    rebroadcast_after_seconds: float = Field(default=30.0, gt=0)
    # A payout transaction not mined this long after it was sent is replaced: same nonce and
    # call, fees raised by ``fee_bump_percent`` (nodes want at least 10 %), never above the cap.
    replace_after_seconds: float = Field(default=180.0, gt=0)
    fee_bump_percent: int = Field(default=15, ge=10, le=100)
    max_fee_per_gas_gwei: int = Field(default=500, ge=1)


class TreasuryAccountSettings(_Section):
    """An account of the operator that customers pay into, for the currencies it receives:
    an IBAN (and BIC), or a US ABA routing number and account number."""

    currencies: frozenset[str]
    account_name: str = "onramp Treasury"
    iban: str | None = None
    bic: str | None = None
    routing_number: str | None = None
    account_number: str | None = None


def _default_treasury_accounts() -> tuple[TreasuryAccountSettings, ...]:
    # Well-known example account numbers (valid check digits); EUR and every currency listed
    # nowhere else arrive on `treasury_iban` (a multi-currency account, paid by SWIFT).
    return (
        TreasuryAccountSettings(
            currencies=frozenset({"CHF"}), iban="CH9300762011623852957", bic="UBSWCHZH80A"
        ),
        TreasuryAccountSettings(
            currencies=frozenset({"GBP"}), iban="GB29NWBK60161331926819", bic="NWBKGB2L"
        ),
        TreasuryAccountSettings(
            currencies=frozenset({"SEK"}), iban="SE4550000000058398257466", bic="ESSESESS"
        ),
        TreasuryAccountSettings(
            currencies=frozenset({"USD"}), routing_number="021000021", account_number="000123456789"
        ),
    )


class BankingSettings(_Section):
    bank: str = "sandbox"
    webhook_secret: SecretStr = SecretStr("sandbox-webhook-secret-change-me")
    webhook_tolerance_seconds: int = 300
    treasury_iban: str = "DE89370400440532013000"
    treasury_bic: str = "COBADEFFXXX"
    treasury_account_name: str = "onramp Treasury"
    # Accounts for other currencies (JSON list in ONRAMP_BANKING__TREASURY_ACCOUNTS).
    treasury_accounts: tuple[TreasuryAccountSettings, ...] = Field(
        default_factory=_default_treasury_accounts
    )
    # A deposit from a saved account verifies it when the sender's name matches the holder's
    # at least this well (0-100, word order and accents ignored); below: name_mismatch.
    holder_name_min_score: float = Field(default=85.0, ge=0, le=100)
    # The bank's API for outgoing payments (micro-deposits); the dev stack fills it with its
    # bank sandbox's address.
    api_url: str = ""
    request_timeout_seconds: float = Field(default=10.0, gt=0)
    # Micro-deposits: how long the customer has to read them back, how many answers they get,
    # and how long after a lock-out before a new pair may be asked for.
    micro_deposit_ttl_days: int = Field(default=7, ge=1)
    micro_deposit_max_attempts: int = Field(default=3, ge=1)
    micro_deposit_cooldown_hours: int = Field(default=24, ge=0)
    # Money that does not fit its order (docs/deposit-matching.md): convert what arrived, send
    # back the excess or all of it, or hold it in suspense for a person.
    underpayment: Literal["price_received", "hold"] = "price_received"
    overpayment: Literal["price_received", "refund_excess", "hold"] = "refund_excess"
    late_payment: Literal["price_received", "refund", "hold"] = "refund"
    # An order not paid within this long expires; money arriving later is a late payment.
    order_expiry_hours: int = Field(default=7 * 24, ge=1)
    order_expiry_poll_seconds: float = Field(default=60.0, gt=0)
    # Statement files (camt, MT940, BAI2) a bank delivers into this folder are imported by
    # ``onramp worker bank_files`` (unset: that worker idles). A file is read once it has not
    # changed for ``drop_settle_seconds``; the folder is looked at every ``drop_poll_seconds``.
    drop_dir: Path | None = None
    # Statement files may only report bookings on the treasury account and these (IBANs or
    # account numbers): a file about another account is refused (bank_file_account_unknown).
    statement_accounts: list[str] = Field(default_factory=list)
    drop_poll_seconds: float = Field(default=2.0, gt=0)
    drop_settle_seconds: float = Field(default=5.0, ge=0)

    # Refunds: how they reach the bank ("api": the payments API, one request each, sent by
    # `onramp worker refunds`; "pain001_file": `onramp bank refunds export` writes a SEPA
    # pain.001 file for the operator's bank), how often a refused or unreachable send is retried
    # (backoff base * 2^(attempts - 1), at most the cap) before the refund fails and is reversed.
    refund_channel: Literal["api", "pain001_file"] = "api"
    refund_max_attempts: int = Field(default=8, ge=1)
    refund_retry_base_seconds: float = Field(default=5.0, gt=0)
    refund_retry_max_seconds: float = Field(default=3600.0, gt=0)
    refund_poll_seconds: float = Field(default=1.0, gt=0)
    pain001_schema: Literal["pain.001.001.03", "pain.001.001.09"] = "pain.001.001.03"
    # An operator's return of a suspense deposit worth more than this (EUR equivalent) waits
    # for a second person's approval.
    return_four_eyes_eur: Decimal = Decimal("10000.00")


def accepted_statement_accounts(banking: BankingSettings) -> frozenset[str]:
    """The accounts bank files may report bookings on: every treasury account and the extra
    statement accounts."""
    treasury = {a.iban or a.account_number or "" for a in banking.treasury_accounts}
    return frozenset({banking.treasury_iban, *treasury, *banking.statement_accounts} - {""})


class KycSettings(_Section):
    """Identity verification: the vendor, its webhooks, the review period and the limits of each
    tier (EUR or the equivalent; tier 0 may not order at all)."""

    vendor: str = "sandbox"
    # The vendor's API; the dev stack fills it with its KYC sandbox's address.
    vendor_url: str = ""
    webhook_secret: SecretStr = SecretStr("sandbox-kyc-webhook-secret-change-me")
    webhook_tolerance_seconds: int = Field(default=300, ge=1)
    request_timeout_seconds: float = Field(default=10.0, gt=0)
    # An approval lasts this long; the customer is asked to refresh `refresh_notice_days` before.
    review_period_days: int = Field(default=365, ge=1)
    refresh_notice_days: int = Field(default=30, ge=0)
    # How often `onramp worker kyc_review` looks for approvals past their review date.
    review_interval_seconds: float = Field(default=60.0, gt=0)
    tier1_daily_eur: Decimal = Decimal("1000.00")
    tier1_monthly_eur: Decimal = Decimal("5000.00")
    tier2_daily_eur: Decimal = Decimal("15000.00")
    tier2_monthly_eur: Decimal = Decimal("100000.00")
    # Tier 3, a verified business (KYB: the company and each beneficial owner).
    business_daily_eur: Decimal = Decimal("250000.00")
    business_monthly_eur: Decimal = Decimal("2000000.00")


SAMPLE_RATES_FILE = REPO_ROOT / "samples" / "rates" / "eurofxref-daily.xml"


class IssuerWireAccountSettings(_Section):
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


class IssuerSettings(_Section):
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


class RateSourceSettings(_Section):
    """One link of the rate chain (docs/pricing.md). ``kind``: ``ecb_xml`` / ``ecb_csv`` (an
    ECB file at ``path``; unset: ``fx.rates_file``), ``http_json`` (a feed at ``url``),
    ``static`` (``rates``, units per 1 EUR, set at ``as_of``). ``staleness``: ``ecb_business_day``
    (current until the next TARGET business day's publication plus ``grace_minutes``),
    ``max_age`` (``max_age_seconds`` after the rates' time), ``none`` (frozen samples only)."""

    name: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    kind: Literal["ecb_xml", "ecb_csv", "http_json", "static"]
    path: Path | None = None
    url: str = ""
    rates: dict[str, Decimal] = {}
    as_of: datetime | None = None
    staleness: Literal["ecb_business_day", "max_age", "none"] = "max_age"
    max_age_seconds: int = Field(default=300, ge=1)
    grace_minutes: int = Field(default=120, ge=0, le=24 * 60)
    timeout_seconds: float = Field(default=5.0, gt=0)
    refresh_seconds: float = Field(default=30.0, ge=0)


class FeeTierSettings(_Section):
    """A row of the pricing table: spread and fee. Fixed, minimum and maximum fees are in EUR,
    charged as the source currency's equivalent at the reference rate."""

    spread_bps: int = Field(default=20, ge=0, le=1000)
    fee_bps: int = Field(default=50, ge=0, le=1000)
    fee_fixed_eur: Decimal = Field(default=Decimal("0"), ge=0)
    fee_min_eur: Decimal = Field(default=Decimal("1.00"), ge=0)
    fee_max_eur: Decimal | None = Field(default=None, gt=0)


class UsdcPegSettings(_Section):
    """USDC is priced at par with USD. ``market_source`` names a rate source whose rates include
    USD and USDC (per EUR); when USDC's USD price from it moves more than ``max_deviation_bps``
    from 1, an operator alarm is raised and, with ``halt_pricing``, no quote or order is priced
    until it returns. Unset: no peg check."""

    market_source: str = ""
    max_deviation_bps: int = Field(default=50, ge=1, le=5000)
    halt_pricing: bool = True


class FxSettings(_Section):
    # The default ECB file: the sample in the repository (frozen, hence staleness "none" in the
    # default chain below); production points this at the scheduled download and sets the
    # chain's ECB staleness to "ecb_business_day".
    rates_file: Path = SAMPLE_RATES_FILE
    sources: tuple[RateSourceSettings, ...] = (
        RateSourceSettings(name="ecb", kind="ecb_xml", staleness="none"),
        # BHD is not published by the ECB: sample static rate (BHD is pegged at 0.376 per USD).
        RateSourceSettings(
            name="static", kind="static", rates={"BHD": Decimal("0.42308")}, staleness="none"
        ),
    )
    # Source currencies customers may pay in (ISO 4217; exponents from core.money).
    offered_currencies: tuple[str, ...] = ("EUR", "USD", "GBP", "CHF", "JPY", "SEK", "CAD", "BHD")
    # USDC is priced as USD 1:1; the operator's margin is the spread, its charge the fee.
    usdc_reference_currency: str = "USD"
    usdc_peg: UsdcPegSettings = UsdcPegSettings()
    # The pricing table: `pricing` for every KYC tier not in `tier_pricing`.
    pricing: FeeTierSettings = FeeTierSettings()
    tier_pricing: dict[int, FeeTierSettings] = {
        3: FeeTierSettings(spread_bps=15, fee_bps=30, fee_max_eur=Decimal("2500.00")),
    }
    # Extra spread for a source currency on top of the tier's (thin markets).
    currency_spread_bps: dict[str, int] = {"BHD": 30}
    # Firm quotes: the longest a quote may be firm (a client may ask for less), and the key
    # that signs their terms (HMAC-SHA256).
    quote_ttl_seconds: int = Field(default=900, ge=10)
    quote_min_ttl_seconds: int = Field(default=10, ge=1)
    quote_signing_key: SecretStr = SecretStr("dev-only-quote-signing-key-change-me")
    min_order: Decimal = Decimal("10.00")
    # Below the vault's on-chain per-payout cap (1,000,000 USDC in the dev stack) at any sane rate.
    max_order: Decimal = Decimal("500000.00")


class AuthSettings(_Section):
    jwt_secret: SecretStr = SecretStr("dev-only-jwt-secret-change-me-in-production")
    access_token_ttl_seconds: int = 600
    # A login lasts this long at most, however often its refresh token is rotated.
    session_ttl_seconds: int = 30 * 24 * 3600
    # Failed logins: after `threshold` failures within `window`, each further failure locks the
    # account (or IP) for base * 2^(failures - threshold) seconds, at most `lockout_max_seconds`.
    lockout_threshold: int = Field(default=5, ge=1)
    ip_lockout_threshold: int = Field(default=20, ge=1)
    lockout_base_seconds: float = Field(default=1.0, gt=0)
    lockout_max_seconds: float = Field(default=900.0, gt=0)
    lockout_window_seconds: float = Field(default=900.0, gt=0)
    # Legacy: 32 bytes, base64, sealed TOTP secrets before migration 0013 moved them onto the
    # HSM-wrapped data keys; read only by that migration (and its downgrade).
    secrets_key: SecretStr = SecretStr("ZGV2LW9ubHktc2VjcmV0cy1rZXktMzItYnl0ZXMhISE=")
    mfa_challenge_ttl_seconds: int = 300
    # Step-up: a second factor within this many seconds for sensitive actions, and for orders
    # above `step_up_order_eur` (EUR or the equivalent).
    step_up_max_age_seconds: int = 300
    step_up_order_eur: Decimal = Decimal("10000.00")
    issuer: str = "onramp"
    # Origins (scheme://host[:port]) of web UIs allowed to use cookie sessions besides the API's
    # own; empty: same origin only.
    web_origins: frozenset[str] = frozenset()


class ApiKeySettings(_Section):
    """Corporate clients' API keys and the OAuth2 client-credentials tokens issued for them."""

    # In the key's public prefix (``onr_live_…``/``onr_test_…``): a key from another deployment
    # is refused on sight, and secret scanners can tell the two apart.
    environment: Literal["live", "test"] = "live"
    # Keys expire at most this long after creation (also the default when none is asked for).
    max_ttl_days: int = Field(default=365, ge=1)
    # How long a rotated key's old secret may keep working, at most (the caller picks 0..this).
    max_rotation_grace_seconds: int = Field(default=24 * 3600, ge=0)
    # Client-credentials access tokens live this long (never past their key's expiry).
    token_ttl_seconds: int = Field(default=600, ge=60, le=3600)
    # ``last_used_at`` is written at most once per this many seconds per key.
    last_used_resolution_seconds: int = Field(default=60, ge=1)


class RateLimitSettings(_Section):
    """Requests per window, per route class and per caller (IP, and account where known)."""

    enabled: bool = True
    window_seconds: int = Field(default=60, ge=1)
    login_per_ip: int = 30
    login_per_account: int = 10
    quote_per_ip: int = 600
    quote_per_account: int = 120
    order_per_ip: int = 600
    order_per_account: int = 120
    webhook_per_ip: int = 6000


class HsmSettings(_Section):
    """The PKCS#11 token that holds the key-encryption keys (SoftHSM2 in the dev stack).

    No PIN by default: the dev stack initialises its own token and hands its PIN over (env and
    ``stack.json``); anywhere else the operator sets ``ONRAMP_HSM__USER_PIN``, and a process
    without one refuses to start rather than fall back to a well-known PIN.
    """

    module_path: Path = Path("/usr/lib/softhsm/libsofthsm2.so")
    token_label: str = "onramp"  # noqa: S105 - a label, not a secret
    user_pin: SecretStr = SecretStr("")
    # KEK versions are labelled "<kek_label>-v<n>"; the highest one wraps new data keys.
    kek_label: str = "onramp-kek"
    # SoftHSM2 only: its configuration file (exported as SOFTHSM2_CONF before the module loads).
    softhsm2_conf: str = ""
    # How often a running API looks for data keys created by another process.
    keyring_refresh_seconds: float = Field(default=30.0, gt=0)


class NotificationSettings(_Section):
    """Outgoing email over SMTP: the dev stack's mail sandbox locally, a provider's SMTP relay
    (with STARTTLS and credentials) in production."""

    smtp_host: str = ""
    smtp_port: int = Field(default=0, ge=0, le=65535)
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    from_address: str = "onramp <no-reply@onramp.localhost>"
    # Links in emails (verify, reset) point here: the web UI that posts the token to the API.
    public_base_url: str = "http://127.0.0.1:8000"
    # A message failing temporarily is retried with backoff, then given up on (status failed).
    max_attempts: int = Field(default=8, ge=1)
    email_verification_ttl_seconds: int = Field(default=48 * 3600, ge=60)
    password_reset_ttl_seconds: int = Field(default=3600, ge=60)
    email_change_ttl_seconds: int = Field(default=24 * 3600, ge=60)


class PrivacySettings(_Section):
    # How long financial records keep a person's bank details after erasure (AML: 5 years).
    retention_days: int = Field(default=5 * 365, ge=0)


class ComplianceSettings(_Section):
    # Where `onramp screen load` fetches the list when given no file (e.g. OFAC's
    # sdn_advanced.xml); empty: a file must be given.
    list_url: str = ""
    list_format: str = ""  # empty: detected from the file name
    # Name screening: a score at or above this is a hit (see docs/compliance.md).
    name_threshold: float = Field(default=88.0, ge=0, le=100)
    # ONRAMP_ENV=production holds every funded order while no list is loaded or any source's
    # latest version was last checked against its publisher longer ago than this.
    max_list_age_hours: float = Field(default=48.0, gt=0)
    # Lists `onramp worker rescreen` loads on a schedule: URLs or paths (files or folders),
    # each optionally prefixed with its format ("ofac-advanced-xml=https://…"); list_url is
    # refreshed as well when set. Empty: lists are loaded only with `onramp screen load`.
    list_sources: tuple[str, ...] = ()
    # How often they are fetched and compared with the latest version (seconds).
    list_refresh_seconds: float = Field(default=3600.0, gt=0)
    # Travel rule: orders worth this much or more (USD or the equivalent, gross) record the
    # originator and beneficiary, and a self-hosted destination must have proven ownership.
    travel_rule_threshold_usd: Decimal = Field(default=Decimal("3000.00"), ge=0)
    # How long a wallet-ownership challenge may be signed (time to reach a hardware wallet).
    wallet_proof_ttl_seconds: int = Field(default=900, ge=30, le=24 * 3600)
    # How often `onramp worker rescreen` looks for a re-screen job when idle (seconds).
    rescreen_poll_seconds: float = Field(default=2.0, gt=0)
    # Releasing held funds above this (EUR-equivalent, summed over the case's held orders)
    # needs a second officer's approval (docs/compliance-cases.md).
    release_four_eyes_eur: Decimal = Field(default=Decimal("1000"), ge=0)
    # Evidence officers attach to a case: stored sealed in PostgreSQL, so kept small.
    attachment_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1, le=50 * 1024 * 1024)
    attachment_types: tuple[str, ...] = (
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/plain",
        "text/csv",
        "application/json",
    )
    # The filing institution named on SAR drafts, and the template that lays the report out.
    institution_name: str = "onramp operator (set ONRAMP_COMPLIANCE__INSTITUTION_NAME)"
    institution_id: str = ""  # e.g. the FIU's reporting-entity number or the LEI
    institution_country: str = ""
    sar_template: Path = REPO_ROOT / "samples" / "config" / "reports" / "sar_template.json"
    # Transaction-monitoring rules (docs/monitoring-rules.md), validated when the orders worker
    # starts; the shipped sample is the default.
    monitoring_rules_file: Path = REPO_ROOT / "samples" / "config" / "monitoring_rules.json"
    # Reports (docs/reports.md): the CTR threshold in USD-equivalent and the report templates.
    ctr_threshold_usd: Decimal = Field(default=Decimal("10000"), gt=0)
    report_templates_dir: Path = REPO_ROOT / "samples" / "config" / "reports"


class TreasurySettings(_Section):
    """Wallets, liquidity and rebalancing (docs/treasury.md). Wallets and their policies live in
    the database (``/v1/admin/treasury/wallets``); here only who sends the treasurers' signed
    Safe transactions: the gas wallet, whose key is in the HSM (``local``: development only)."""

    executor_signer: Literal["local", "hsm"] = "local"
    executor_key_id: str = Field(default="", pattern=r"^([0-9a-f]{2})*$")
    executor_private_key: SecretStr = SecretStr(ANVIL_EXECUTOR_KEY)
    # How often the worker compares balances with the policies and executes approved proposals.
    check_interval_seconds: float = Field(default=5.0, gt=0)


class TreasuryRiskSettings(_Section):
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


class CustodySettings(_Section):
    """Customers' custodial wallets (docs/custody.md): the key that is the UserWalletFactory's
    operator signs their withdrawals; "hsm" (CKA_ID ``key_id``, hex) or "local" (the private key
    in process memory: development only, refused with ONRAMP_ENV=production)."""

    signer: Literal["local", "hsm"] = "local"
    key_id: str = Field(default="", pattern=r"^([0-9a-f]{2})*$")
    # A local chain's factory is operated by its deployer unless told otherwise.
    private_key: SecretStr = SecretStr(ANVIL_DEPLOYER_KEY)
    poll_interval_seconds: float = Field(default=0.5, gt=0)
    # A broadcast withdrawal transaction not mined after this long is sent again (same bytes).
    rebroadcast_after_seconds: float = Field(default=30.0, gt=0)


class SupervisorSettings(_Section):
    """How ``onramp dev`` (and the test stack) restart a process that died: after
    ``backoff_initial_seconds``, doubling up to ``backoff_max_seconds``; once ``max_deaths``
    deaths fall within ``window_seconds`` it gives up on that process (the rest keep running)."""

    max_deaths: int = Field(default=5, ge=1)
    window_seconds: float = Field(default=60.0, gt=0)
    backoff_initial_seconds: float = Field(default=0.5, gt=0)
    backoff_max_seconds: float = Field(default=30.0, gt=0)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ONRAMP_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    # ONRAMP_ENV: "production" refuses what only suits a development machine (shipped secrets,
    # keys in process memory, sandbox vendors: core/production_check.py); read through
    # ``running_in_production`` where no Settings is at hand.
    env: Literal["development", "production"] = "development"
    state_dir: Path = REPO_ROOT / ".onramp"
    log_level: str = "INFO"
    # Shared rate-limit counters for several API processes; unset: counted in each process.
    redis_url: str = ""
    rate_limits: RateLimitSettings = RateLimitSettings()
    privacy: PrivacySettings = PrivacySettings()
    compliance: ComplianceSettings = ComplianceSettings()
    hsm: HsmSettings = HsmSettings()
    notifications: NotificationSettings = NotificationSettings()
    database: DatabaseSettings = DatabaseSettings()
    nats: NatsSettings = NatsSettings()
    chain: ChainSettings = ChainSettings()
    treasury: TreasurySettings = TreasurySettings()
    banking: BankingSettings = BankingSettings()
    kyc: KycSettings = KycSettings()
    issuer: IssuerSettings = IssuerSettings()
    fx: FxSettings = FxSettings()
    auth: AuthSettings = AuthSettings()
    api_keys: ApiKeySettings = ApiKeySettings()
    treasury_risk: TreasuryRiskSettings = TreasuryRiskSettings()
    custody: CustodySettings = CustodySettings()
    supervisor: SupervisorSettings = SupervisorSettings()

    @model_validator(mode="after")
    def _production_ready(self) -> Settings:
        """Production refuses what only suits a development machine (core/production_check.py),
        listing every setting to change at once."""
        if self.env != "production":
            return self
        refusals = production_refusals(self)
        if refusals:
            listed = "\n".join(f"  - {r}" for r in refusals)
            raise ValueError(f"ONRAMP_ENV=production refuses this configuration:\n{listed}")
        return self

    def with_stack(self, stack: dict[str, Any]) -> Settings:
        """Fill what is unset from a running dev stack's ``stack.json``."""
        contracts = stack.get("contracts", {})
        db = (
            self.database
            if self.database.url
            else self.database.model_copy(update={"url": stack.get("database", "")})
        )
        nats = (
            self.nats
            if self.nats.url
            else self.nats.model_copy(update={"url": stack.get("nats", "")})
        )
        chain_updates: dict[str, Any] = {}
        if not self.chain.rpc_url:
            chain_updates["rpc_url"] = stack.get("rpc", "")
        for field, key in (
            ("usdc_address", "usdc"),
            ("vault_address", "vault"),
            ("wallet_factory_address", "wallet_factory"),
        ):
            if not getattr(self.chain, field) and key in contracts:
                chain_updates[field] = contracts[key]
        payout = stack.get("payout_key", {})
        if not self.chain.payout_key_id and payout.get("key_id"):
            # The dev stack's payout key, in its token: the vault's payout role is its address.
            chain_updates |= {"signer": "hsm", "payout_key_id": payout["key_id"]}
        chain = self.chain.model_copy(update=chain_updates)
        treasury = self.treasury
        executor = stack.get("executor_key", {})
        if not treasury.executor_key_id and executor.get("key_id"):
            treasury = treasury.model_copy(
                update={"executor_signer": "hsm", "executor_key_id": executor["key_id"]}
            )
        risk = self.treasury_risk
        guardian = stack.get("guardian_key", {})
        if not risk.guardian_key_id and guardian.get("key_id"):
            risk = risk.model_copy(update={"guardian_key_id": guardian["key_id"]})
        custody = self.custody
        custody_key = stack.get("custody_key", {})
        if not custody.key_id and custody_key.get("key_id"):
            custody = custody.model_copy(update={"signer": "hsm", "key_id": custody_key["key_id"]})
        hsm = self.hsm
        if not hsm.user_pin.get_secret_value() and "hsm" in stack:
            # The dev stack's own token; an explicitly configured PIN always wins.
            token = stack["hsm"]
            hsm = hsm.model_copy(
                update={
                    "token_label": token["token_label"],
                    "user_pin": SecretStr(token["user_pin"]),
                    "softhsm2_conf": token["softhsm2_conf"],
                }
            )
        notifications = self.notifications
        if not notifications.smtp_host and stack.get("smtp"):
            host, port = str(stack["smtp"]).rsplit(":", 1)
            notifications = notifications.model_copy(
                update={"smtp_host": host, "smtp_port": int(port)}
            )
        banking = self.banking
        if not banking.api_url and stack.get("bank_sandbox"):
            banking = banking.model_copy(update={"api_url": stack["bank_sandbox"]})
        kyc = self.kyc
        if not kyc.vendor_url and stack.get("kyc_sandbox"):
            kyc = kyc.model_copy(update={"vendor_url": stack["kyc_sandbox"]})
        issuer = self.issuer
        if not issuer.api_url and stack.get("issuer_sandbox"):
            issuer = issuer.model_copy(update={"api_url": stack["issuer_sandbox"]})
        return self.model_copy(
            update={
                "issuer": issuer,
                "kyc": kyc,
                "banking": banking,
                "database": db,
                "nats": nats,
                "chain": chain,
                "treasury": treasury,
                "treasury_risk": risk,
                "custody": custody,
                "hsm": hsm,
                "notifications": notifications,
            }
        )


def stack_file(state_dir: Path) -> Path:
    return state_dir / "stack.json"


def secrets_file(state_dir: Path) -> Path:
    """The dev stack's own random secrets (devstack/stack_secrets.py), owner-readable only."""
    return state_dir / "secrets.json"


def with_secrets(settings: Settings, secrets: dict[str, str]) -> Settings:
    """``settings`` with each secret (by dotted path, ``auth.jwt_secret``) that is still at its
    shipped default replaced: an explicitly configured secret always wins."""
    sections: dict[str, dict[str, Any]] = {}
    for path, value in secrets.items():
        section_name, field = path.split(".")
        section = getattr(settings, section_name)
        default = type(section).model_fields[field].get_default(call_default_factory=True)
        if getattr(section, field) == default:
            sections.setdefault(section_name, {})[field] = SecretStr(value)
    return settings.model_copy(
        update={
            name: getattr(settings, name).model_copy(update=fields)
            for name, fields in sections.items()
        }
    )


def load_settings() -> Settings:
    settings = Settings()
    path = stack_file(settings.state_dir)
    if path.exists():
        settings = settings.with_stack(json.loads(path.read_text()))
    secrets = secrets_file(settings.state_dir)
    if secrets.exists():
        settings = with_secrets(settings, json.loads(secrets.read_text()))
    return settings
