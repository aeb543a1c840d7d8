"""Settings of the operators' alerts (docs/alerts.md): where the rules are, how often they are
evaluated, and the channels that reach a person."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr

from onramp.core.settings.base import Section


class AlertChannelSettings(Section):
    """One channel: ``email`` (``to``, through the SMTP settings of ``notifications``),
    ``webhook`` (JSON POSTed to ``url``, HMAC-signed with ``secret``) or ``slack`` (an incoming
    webhook ``url``: ``{"text": ...}``)."""

    name: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    kind: Literal["email", "webhook", "slack"]
    url: str = ""
    to: str = ""
    secret: SecretStr = SecretStr("")


class AlertSettings(Section):
    # Unset: the rules shipped in the package (src/onramp/alerts/rules.yaml).
    rules_path: Path | None = None
    evaluate_interval_seconds: float = Field(default=30.0, gt=0)
    # A delivery failing is retried after 5 s, 10 s, 20 s ... (capped at an hour), then kept
    # as a dead letter after this many attempts.
    max_attempts: int = Field(default=6, ge=1)
    backoff_seconds: float = Field(default=5.0, gt=0)
    request_timeout_seconds: float = Field(default=10.0, gt=0)
    # As JSON: ONRAMP_ALERTS__CHANNELS='[{"name": "oncall", "kind": "slack", "url": "..."}]'
    channels: tuple[AlertChannelSettings, ...] = ()
