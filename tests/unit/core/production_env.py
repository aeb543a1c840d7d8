"""A production configuration that passes the start-up check: every secret set to a fresh
random value, every key in the HSM, real vendors named. Tests take one thing away from it."""

from __future__ import annotations

import secrets

from onramp.core.production_check import variable_name

SECRETS = (
    "auth.jwt_secret",
    "auth.secrets_key",
    "banking.webhook_secret",
    "kyc.webhook_secret",
    "issuer.api_key",
    "issuer.webhook_secret",
    "fx.quote_signing_key",
    "hsm.user_pin",
    "notifications.smtp_password",
    "metrics.token",
)


def production_env() -> dict[str, str]:
    env = {variable_name(s): secrets.token_urlsafe(32) for s in SECRETS}
    return env | {
        "ONRAMP_ENV": "production",
        "ONRAMP_CHAIN__CHAIN_ID": "1",
        "ONRAMP_CHAIN__CONFIRMATIONS": "12",
        "ONRAMP_CHAIN__SIGNER": "hsm",
        "ONRAMP_TREASURY__EXECUTOR_SIGNER": "hsm",
        "ONRAMP_CUSTODY__SIGNER": "hsm",
        "ONRAMP_BANKING__BANK": "examplebank",
        "ONRAMP_KYC__VENDOR": "examplekyc",
        "ONRAMP_ISSUER__SANDBOX_MOCK_WIRE": "false",
        "ONRAMP_WEBHOOKS__ALLOW_PRIVATE": "false",
    }
