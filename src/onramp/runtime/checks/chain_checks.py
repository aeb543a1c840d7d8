"""The invariants that hold the books against the chain: the treasury's USDC, and one payout
per order, paid only to orders that exist and still want it."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.db import as_int
from onramp.runtime.checks.chain_view import ChainView
from onramp.runtime.checks.results import InvariantResult, Scope, result

# States in which an order may have been paid on chain (payout_queued: sent, not yet marked).
# No other state follows a payout that reached the chain: an order paid on chain in any other
# (held for review, failed, refunded) is one the books lost track of.
PAYABLE = ("payout_queued", "payout_broadcast", "completed")


async def treasury_matches_chain(session: AsyncSession, view: ChainView) -> InvariantResult:
    """Each wallet's USDC at ``view.block`` equals its ledger account ``chain:<name>:USDC``,
    less the payouts the chain made that the books have not posted yet: confirmed ones not yet
    booked (the orders worker posts them after the confirmation), and those whose ``Payout``
    event is in the view but not yet confirmed."""
    ledger = {
        r.code: as_int(r.balance)
        for r in await session.execute(
            text(
                "SELECT code, balance FROM ledger_accounts "
                "WHERE code LIKE 'chain:%' AND currency = 'USDC'"
            )
        )
    }
    paid = list(view.payouts)
    unbooked = as_int(
        await session.scalar(
            text(
                "SELECT COALESCE(SUM(amount), 0) FROM payouts WHERE booked_at IS NULL "
                "AND (status = 'confirmed' OR order_id = ANY(:paid))"
            ),
            {"paid": paid},
        )
    )
    off = []
    for name, onchain in view.balances.items():
        books = ledger.get(f"chain:{name}:USDC", 0)
        if view.addresses[name].lower() == view.vault.lower():
            books -= unbooked
        if books != onchain:
            off.append(f"{name} chain {onchain} books {books}")
    return result(
        "treasury_matches_chain", off, len(off),
        f"{len(view.balances)} wallets at block {view.block}",
        "{count} wallets differ from their ledger account at block " + str(view.block),
    )  # fmt: skip


async def one_payout_per_order(
    session: AsyncSession, view: ChainView, scope: Scope
) -> InvariantResult:
    """Every completed order has exactly one Payout event for its id; every event names an
    order that exists and is (or is on its way to being) completed."""
    rows = (
        await session.execute(
            text(
                "SELECT id, state, updated_at FROM orders WHERE id = ANY(:paid) OR "
                "(state = 'completed' AND (CAST(:since AS timestamptz) IS NULL "
                "OR created_at BETWEEN :since AND :now))"
            ),
            {"paid": list(view.payouts), "since": scope.since, "now": scope.now},
        )
    ).all()
    orders = {r.id: r for r in rows}
    off = [f"{oid} paid {n} times" for oid, n in view.payouts.items() if n > 1]
    off += [f"{oid} paid, no such order" for oid in view.payouts if oid not in orders]
    for r in rows:
        n = view.payouts.get(r.id, 0)
        if r.state == "completed" and n == 0:
            off.append(f"{r.id} completed, never paid")
        elif n and r.state not in PAYABLE:  # paid, and the books say it was not
            off.append(f"{r.id} paid on chain but {r.state}")
    return result(
        "one_payout_per_order", off, len(off),
        f"{sum(view.payouts.values())} Payout events since block {scope.from_block}, "
        f"{sum(r.state == 'completed' for r in rows)} completed orders",
        "{count} orders paid other than once",
    )  # fmt: skip
