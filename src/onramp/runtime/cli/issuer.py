"""``onramp issuer``: the treasury's USDC issuer. ``mint`` wires fiat to the issuer and has it
mint USDC to a treasury address (the vault by default); ``redeem`` sends vault USDC back to be
burned and has the fiat wired to the operator's bank account. Both run to the end, resume where
they stopped when given the same ``--key`` again, and never mint or pay twice for one key."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from onramp.core.errors import OnrampError
from onramp.core.money import Money
from onramp.core.settings import Settings, load_settings

if TYPE_CHECKING:
    from onramp.treasury import UsdcSender

# The wallet a redeem's USDC leaves, if this machine can send it (the dev chain's cold Safe:
# runtime/cli/dev.py); production has none, its treasurers sign that transfer as a proposal.
RedeemSender = Callable[[Settings], "UsdcSender | None"]

AmountOption = Annotated[str, typer.Option("--amount", help="USDC, e.g. 1000 or 1000.50")]
KeyOption = Annotated[
    str,
    typer.Option("--key", help="idempotency key; the same key resumes the same operation"),
]


async def _run(
    kind: str, amount: Money, destination: str, key: str, redeem_sender: RedeemSender
) -> None:
    from onramp.core.db import standalone_sessions, unit_of_work
    from onramp.runtime.issuer import issuer_flow
    from onramp.treasury import request_mint, request_redeem

    settings = load_settings()
    async with standalone_sessions(settings.database.url) as sessions:
        async with unit_of_work(sessions) as session:
            if kind == "mint":
                operation = await request_mint(
                    session,
                    issuer=settings.issuer.vendor,
                    amount=amount,
                    destination=destination,
                    idempotency_key=key,
                    requested_by="cli",
                )
            else:
                operation = await request_redeem(
                    session,
                    issuer=settings.issuer.vendor,
                    amount=amount,
                    idempotency_key=key,
                    requested_by="cli",
                )
        print(f"{kind} {operation.id} ({key}): {amount} USDC, {operation.status}")
        flow = issuer_flow(settings, sessions, usdc=redeem_sender(settings))
        done = await flow.run(operation.id)
    print(f"{kind} {done.id}: {done.status}")
    if done.tx_hash:
        print(f"  transaction {done.tx_hash}")
    if done.transfer_id or done.payout_id:
        print(
            f"  issuer {'transfer' if done.transfer_id else 'payout'} "
            f"{done.transfer_id or done.payout_id}"
        )
    if done.status != "completed":
        print(f"  error {done.error_code}", file=sys.stderr)
        raise typer.Exit(1)


def _amount(text: str) -> Money:
    return Money.parse(text, "USDC")


def _go(kind: str, amount: str, destination: str, key: str, redeem_sender: RedeemSender) -> None:
    chosen_key = key or f"cli-{uuid.uuid4()}"
    try:
        asyncio.run(_run(kind, _amount(amount), destination, chosen_key, redeem_sender))
    except OnrampError as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc


def balance() -> None:
    """The issuer account's available and unsettled balance."""
    from onramp.runtime import adapters

    async def show() -> None:
        found = await adapters.issuer(load_settings()).balance()
        print(f"available {found.available} USD\nunsettled {found.unsettled} USD")

    try:
        asyncio.run(show())
    except OnrampError as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc


def issuer_commands(redeem_sender: RedeemSender) -> typer.Typer:
    """The ``issuer`` group, its redeems sent by the wallet ``redeem_sender`` gives."""
    app = typer.Typer(help="The USDC issuer: mint and redeem.", no_args_is_help=True)

    @app.command("mint")
    def mint(
        amount: AmountOption,
        to: Annotated[str, typer.Option("--to", help="'vault' or a 0x address")] = "vault",
        key: KeyOption = "",
    ) -> None:
        """Wire fiat to the issuer and have it mint USDC to the vault (or --to an address)."""
        settings = load_settings()
        destination = settings.chain.vault_address if to == "vault" else to
        if not destination:
            print("no vault address is configured (ONRAMP_CHAIN__VAULT_ADDRESS)", file=sys.stderr)
            raise typer.Exit(1)
        _go("mint", amount, destination, key, redeem_sender)

    @app.command("redeem")
    def redeem(amount: AmountOption, key: KeyOption = "") -> None:
        """Send vault USDC to the issuer (burned) and have the fiat wired to our bank account."""
        _go("redeem", amount, "", key, redeem_sender)

    app.command("balance")(balance)
    return app
