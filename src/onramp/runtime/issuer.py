"""The issuer flow as configured: the issuer's adapter (``runtime.adapters``), how fiat is wired
to it, and which wallet, if any, sends USDC back for a redeem. Composition: the ``issuer``
commands and the treasury worker build it here."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.settings import Settings
from onramp.runtime import adapters
from onramp.treasury import (
    IssuerFlow,
    IssuerNotConfigured,
    SandboxMockWire,
    UsdcSender,
    wire_account_details,
)


def issuer_flow(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    *,
    usdc: UsdcSender | None = None,
) -> IssuerFlow:
    """``usdc`` sends a redeem's USDC; without it a redeem stops with issuer_not_configured
    (production's treasurers sign the cold Safe's transfer themselves, as a proposal)."""
    config = settings.issuer
    issuer = adapters.issuer(settings)
    if not config.sandbox_mock_wire:
        raise IssuerNotConfigured("only the sandbox's mock wire is wired up yet")
    return IssuerFlow(
        sessions,
        issuer,
        wire_account=wire_account_details(config),
        wire=SandboxMockWire(issuer),
        usdc=usdc,
        poll_seconds=config.poll_seconds,
        timeout_seconds=config.timeout_seconds,
    )
