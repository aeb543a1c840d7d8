"""onramp-client: a thin typed client for onramp's REST API (docs/client.md)."""

from onramp_client.asynchronous import AsyncClient
from onramp_client.calls import JSON, Call
from onramp_client.errors import ApiError, OnrampClientError, WebhookVerificationError
from onramp_client.sync import Client
from onramp_client.totp import Authenticator, StepsExhausted, totp_code
from onramp_client.webhooks import sign_webhook, verify_webhook

__all__ = [
    "JSON",
    "ApiError",
    "AsyncClient",
    "Authenticator",
    "Call",
    "Client",
    "OnrampClientError",
    "StepsExhausted",
    "WebhookVerificationError",
    "sign_webhook",
    "totp_code",
    "verify_webhook",
]
