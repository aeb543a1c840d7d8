"""``onramp orders``: one order, its history and its payout."""

from __future__ import annotations

import asyncio
import sys
import uuid

import typer

from onramp.core.settings import load_settings

orders_app = typer.Typer(help="Orders.", no_args_is_help=True)


@orders_app.command("show")
def orders_show(order_id: uuid.UUID) -> None:
    """Print an order, its state history and its payout."""
    from onramp import chain, orders
    from onramp.core.db import standalone_sessions, unit_of_work

    async def show() -> None:
        async with (
            standalone_sessions(load_settings().database.url) as sessions,
            unit_of_work(sessions) as session,
        ):
            order = await orders.get_order(session, order_id=order_id, customer_id=None)
            print(f"order {order.id}  customer {order.customer_id}  state {order.state}")
            for h in await orders.history_of(session, order.id):
                print(
                    f"  {h.at.isoformat()}  {h.from_state or '-':>16} -> {h.to_state}",
                    h.reason or "",
                )
            payout = await chain.payout_for_order(session, order.id)
            if payout:
                print(
                    f"payout {payout.amount} USDC to {payout.to_address}: {payout.status} "
                    f"tx {payout.tx_hash} block {payout.block_number}"
                )

    from onramp.core.errors import OnrampError

    try:
        asyncio.run(show())
    except OnrampError as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        raise typer.Exit(1) from exc
