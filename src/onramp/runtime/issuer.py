"""The issuer flow as configured: the Circle-Mint-shaped adapter, how fiat is wired to it, and
which wallet sends USDC back for a redeem. Composition (like ``workers.py``): the CLI and the
treasury worker build it here."""

from __future__ import annotations

import json

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.settings import Settings, stack_file
from onramp.runtime import adapters
from onramp.treasury.issuer import (
    IssuerFlow,
    SandboxMockWire,
    wire_account_details,
)
from onramp.treasury.issuer.errors import IssuerNotConfigured


def issuer_flow(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> IssuerFlow:
    from onramp.devstack.cold_safe_sender import ColdSafeSender

    config = settings.issuer
    issuer = adapters.issuer(settings)
    if not config.sandbox_mock_wire:
        raise IssuerNotConfigured("only the sandbox's mock wire is wired up yet")
    usdc = None
    stack = stack_file(settings.state_dir)
    cold = json.loads(stack.read_text())["contracts"].get("cold_safe") if stack.exists() else None
    if settings.chain.rpc_url and cold:
        # The dev stack's cold Safe redeems, signed by its demo treasurers.
        usdc = ColdSafeSender(settings.chain.rpc_url, settings.chain.usdc_address, cold)
    return IssuerFlow(
        sessions,
        issuer,
        wire_account=wire_account_details(config),
        wire=SandboxMockWire(issuer),
        usdc=usdc,
        poll_seconds=config.poll_seconds,
        timeout_seconds=config.timeout_seconds,
    )
