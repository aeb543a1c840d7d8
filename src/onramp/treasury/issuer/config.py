"""The configured issuer adapter and wire account, from ``Settings.issuer``."""

from __future__ import annotations

import httpx

from onramp.core.settings import IssuerSettings
from onramp.treasury.issuer.base import WireAccountDetails
from onramp.treasury.issuer.circle import CircleMintIssuer


def build_issuer(
    settings: IssuerSettings, *, transport: httpx.AsyncBaseTransport | None = None
) -> CircleMintIssuer:
    """The adapter for ``settings.vendor`` (no network call until the first request)."""
    return CircleMintIssuer(
        base_url=settings.api_url,
        api_key=settings.api_key.get_secret_value(),
        webhook_secret=settings.webhook_secret.get_secret_value().encode(),
        tolerance_seconds=settings.webhook_tolerance_seconds,
        timeout=settings.request_timeout_seconds,
        transport=transport,
    )


def wire_account_details(settings: IssuerSettings) -> WireAccountDetails:
    account = settings.wire_account
    return WireAccountDetails(
        account_number=account.account_number,
        routing_number=account.routing_number,
        bank_name=account.bank_name,
        bank_city=account.bank_city,
        bank_country=account.bank_country,
        holder_name=account.holder_name,
        holder_line1=account.holder_line1,
        holder_city=account.holder_city,
        holder_postal_code=account.holder_postal_code,
        holder_country=account.holder_country,
    )
