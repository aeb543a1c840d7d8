"""Settings of access: logins and sessions, corporate API keys, rate limits."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, SecretStr

from onramp.core.settings.base import Section


class AuthSettings(Section):
    jwt_secret: SecretStr = SecretStr("dev-only-jwt-secret-change-me-in-production")
    access_token_ttl_seconds: int = 600
    # A login lasts this long at most, however often its refresh token is rotated.
    session_ttl_seconds: int = 30 * 24 * 3600
    # A refresh token presented again this soon after its exchange is a second tab (or a
    # retried request) renewing at the same moment, not a copy: refused without revoking the
    # login (the caller already holds the newer token). Later, it revokes the whole login.
    refresh_reuse_grace_seconds: int = Field(default=10, ge=0, le=60)
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


class ApiKeySettings(Section):
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


class RateLimitSettings(Section):
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
