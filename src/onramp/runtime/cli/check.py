"""``onramp check``: the money checker against the running stack, one line per invariant."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from onramp.core.settings import load_settings


def check(
    grace: Annotated[
        float,
        typer.Option(help="Seconds an order or deposit may sit unmoved before it is stuck"),
    ] = 300.0,
) -> None:
    """Check every money invariant (books, treasury against the chain, payouts, deposits,
    orders, audit chain); exit 0 only when all hold."""
    from datetime import timedelta

    from onramp.runtime.checks import check_stack

    found = asyncio.run(check_stack(load_settings(), grace=timedelta(seconds=grace)))
    for r in found:
        print(r.line())
    broken = [r for r in found if not r.holds]
    print(f"{len(found) - len(broken)} of {len(found)} invariants hold")
    if broken:
        raise typer.Exit(1)
