"""The one ``Settings``: a section per domain, read from ``ONRAMP_*`` variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from onramp.core.production_check import production_refusals
from onramp.core.settings.access import ApiKeySettings, AuthSettings, RateLimitSettings
from onramp.core.settings.banking import BankingSettings
from onramp.core.settings.base import REPO_ROOT
from onramp.core.settings.chain import ChainSettings, CustodySettings
from onramp.core.settings.compliance import ComplianceSettings, KycSettings, PrivacySettings
from onramp.core.settings.fx import FxSettings
from onramp.core.settings.infrastructure import (
    DatabaseSettings,
    HsmSettings,
    NatsSettings,
    NotificationSettings,
    SupervisorSettings,
)
from onramp.core.settings.treasury import IssuerSettings, TreasuryRiskSettings, TreasurySettings


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
