"""``onramp treasury``: the operator's wallets, their liquidity and the treasury's positions,
read from the chain and the books (the same figures as ``/v1/admin/treasury``)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import typer

from onramp.core.settings import load_settings

treasury_app = typer.Typer(help="Treasury: wallets, liquidity, positions.", no_args_is_help=True)


def _read() -> dict[str, Any]:
    from onramp.chain import ChainClient
    from onramp.core.clock import utcnow
    from onramp.core.db import standalone_sessions, unit_of_work
    from onramp.treasury import positions_document
    from onramp.treasury import read_positions as positions

    settings = load_settings()

    async def run() -> dict[str, Any]:
        async with (
            standalone_sessions(settings.database.url) as sessions,
            unit_of_work(sessions) as session,
        ):
            found = await positions(
                session,
                ChainClient(settings.chain.rpc_url),
                usdc=settings.chain.usdc_address,
                now=utcnow(),
            )
            return positions_document(found)

    return asyncio.run(run())


@treasury_app.command("positions")
def positions_command() -> None:
    """Everything, as JSON: USDC per wallet (chain and books), bank, FX, owed to customers."""
    print(json.dumps(_read(), indent=2))


@treasury_app.command("wallets")
def wallets_command() -> None:
    """One line per wallet: USDC on chain, reserved, available, liquidity state."""
    doc = _read()
    print(f"{'wallet':<12} {'tier':<5} {'usdc':>20} {'reserved':>16} {'state':<14} address")
    for w in doc["wallets"]:
        print(
            f"{w['name']:<12} {w['tier']:<5} {w['usdc']:>20} {w['reserved']:>16} "
            f"{w['state']:<14} {w['address']}"
        )
