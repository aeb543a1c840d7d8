"""The one ``Settings``: a section per domain, read from ``ONRAMP_*`` variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from onramp.core.production_check import production_refusals
from onramp.core.settings.access import ApiKeySettings, AuthSettings, RateLimitSettings
from onramp.core.settings.alerts import AlertSettings
from onramp.core.settings.api import ApiSettings
from onramp.core.settings.banking import BankingSettings
from onramp.core.settings.base import REPO_ROOT
from onramp.core.settings.chain import ChainSettings, CustodySettings
from onramp.core.settings.compliance import ComplianceSettings, KycSettings, PrivacySettings
from onramp.core.settings.from_stack import stack_updates
from onramp.core.settings.fx import FxSettings
from onramp.core.settings.infrastructure import (
    DatabaseSettings,
    DevSettings,
    HsmSettings,
    MetricsSettings,
    NatsSettings,
    NotificationSettings,
    OtelSettings,
    SupervisorSettings,
    WebhookSettings,
    WorkerSettings,
)
from onramp.core.settings.recon import ReconSettings
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
    api: ApiSettings = ApiSettings()
    rate_limits: RateLimitSettings = RateLimitSettings()
    privacy: PrivacySettings = PrivacySettings()
    compliance: ComplianceSettings = ComplianceSettings()
    hsm: HsmSettings = HsmSettings()
    # The token of the key-encryption keys, when they live apart from the signing keys: every
    # process that reads personal data (the API, every worker host) opens the keyring there,
    # while only the chain zone's pods reach ``hsm`` and sign (deploy/k8s: two HSM partitions
    # at two addresses). Unset: ``hsm`` holds both.
    keyring_hsm: HsmSettings | None = None
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
    dev: DevSettings = DevSettings()
    alerts: AlertSettings = AlertSettings()
    worker: WorkerSettings = WorkerSettings()
    metrics: MetricsSettings = MetricsSettings()
    otel: OtelSettings = OtelSettings()
    recon: ReconSettings = ReconSettings()
    webhooks: WebhookSettings = WebhookSettings()

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

    @property
    def data_key_hsm(self) -> HsmSettings:
        """Where the key-encryption keys are: ``keyring_hsm`` if set, else ``hsm``."""
        return self.keyring_hsm or self.hsm

    def with_stack(self, stack: dict[str, Any]) -> Settings:
        """Fill what is unset from a running dev stack's ``stack.json``."""
        return self.model_copy(update=stack_updates(self, stack))
