"""Configuration: one ``Settings`` with a section per domain, read from ``ONRAMP_*`` variables.

Nested fields use ``__``: ``ONRAMP_DATABASE__URL``, ``ONRAMP_CHAIN__RPC_URL``. Anything left unset
that names a running service (database, NATS, chain) is taken from the dev stack's
``.onramp/stack.json`` when one is running, so ``onramp`` commands just work beside ``onramp dev``.
"""

from onramp.core.settings.access import ApiKeySettings, AuthSettings, RateLimitSettings
from onramp.core.settings.alerts import AlertChannelSettings, AlertSettings
from onramp.core.settings.api import ApiSettings
from onramp.core.settings.banking import (
    BankingSettings,
    TreasuryAccountSettings,
    accepted_statement_accounts,
)
from onramp.core.settings.base import (
    ANVIL_DEPLOYER_KEY,
    ANVIL_EXECUTOR_KEY,
    ANVIL_PAYOUT_KEY,
    REPO_ROOT,
    running_in_production,
)
from onramp.core.settings.chain import DEFAULT_MIN_CONFIRMATIONS, ChainSettings, CustodySettings
from onramp.core.settings.compliance import ComplianceSettings, KycSettings, PrivacySettings
from onramp.core.settings.fx import (
    SAMPLE_RATES_FILE,
    FeeTierSettings,
    FxSettings,
    RateSourceSettings,
    UsdcPegSettings,
)
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
from onramp.core.settings.loading import load_settings, secrets_file, stack_file, with_secrets
from onramp.core.settings.recon import ReconSettings, TripRule
from onramp.core.settings.root import Settings
from onramp.core.settings.treasury import (
    IssuerSettings,
    IssuerWireAccountSettings,
    TreasuryRiskSettings,
    TreasurySettings,
)

__all__ = [
    "AlertChannelSettings",
    "AlertSettings",
    "ANVIL_DEPLOYER_KEY",
    "ANVIL_EXECUTOR_KEY",
    "ANVIL_PAYOUT_KEY",
    "ApiKeySettings",
    "ApiSettings",
    "AuthSettings",
    "BankingSettings",
    "ChainSettings",
    "ComplianceSettings",
    "CustodySettings",
    "DEFAULT_MIN_CONFIRMATIONS",
    "DatabaseSettings",
    "FeeTierSettings",
    "FxSettings",
    "HsmSettings",
    "MetricsSettings",
    "OtelSettings",
    "IssuerSettings",
    "IssuerWireAccountSettings",
    "KycSettings",
    "NatsSettings",
    "NotificationSettings",
    "PrivacySettings",
    "REPO_ROOT",
    "RateLimitSettings",
    "RateSourceSettings",
    "ReconSettings",
    "SAMPLE_RATES_FILE",
    "Settings",
    "SupervisorSettings",
    "DevSettings",
    "WorkerSettings",
    "TreasuryAccountSettings",
    "TreasuryRiskSettings",
    "TreasurySettings",
    "TripRule",
    "UsdcPegSettings",
    "WebhookSettings",
    "accepted_statement_accounts",
    "load_settings",
    "running_in_production",
    "secrets_file",
    "stack_file",
    "with_secrets",
]
