"""``onramp ledger`` and ``onramp audit``: the books and the audit chain, checked."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer

from onramp.core.settings import load_settings

ledger_app = typer.Typer(help="The ledger.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


@ledger_app.command("trial-balance")
def ledger_trial_balance() -> None:
    """Print every account's balance and the totals per currency."""
    from onramp.ledger import trial_balance_of_database

    tb = asyncio.run(trial_balance_of_database(load_settings().database.url))
    for account in tb.accounts:
        print(f"{account.code:<60} {account.balance!s:>22} {account.balance.currency}")
    for t in tb.totals:
        print(f"{t.currency:<6} debits {t.debits!s:>22} credits {t.credits!s:>22} net {t.net}")
    print("balanced" if tb.balanced else f"NOT BALANCED (drifted: {tb.drifted})")
    if not tb.balanced:
        raise typer.Exit(1)


@audit_app.command("verify")
def audit_verify(
    seal_first: Annotated[bool, typer.Option(help="Seal pending records before verifying")] = False,
) -> None:
    """Recompute the audit chain; exit 1 if any record was changed or removed."""
    from onramp.core.audit import verify_database

    result = asyncio.run(verify_database(load_settings().database.url, seal_first=seal_first))
    for problem in result.problems:
        print(f"BROKEN: {problem}", file=sys.stderr)
    print(
        f"{result.sealed} records sealed, {result.unsealed} awaiting the sealer: "
        + ("chain intact" if result.intact else "CHAIN BROKEN")
    )
    if not result.intact:
        raise typer.Exit(1)
