"""Settings of the bank: treasury accounts, webhooks, statement files, deposit matching and
refunds."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr

from onramp.core.settings.base import Section


class TreasuryAccountSettings(Section):
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


class BankingSettings(Section):
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
