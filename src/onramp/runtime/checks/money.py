"""The money checker: every invariant that says onramp neither lost nor doubled money, checked
against a stack's database and chain (``onramp check``, the tests' finaliser, the fault
simulator). The database is read in one repeatable-read snapshot taken after the chain was
read at one block; when a chain invariant fails it is read again (up to ``ATTEMPTS``), since a
payout confirmed between the two reads shows in the books but not yet at the block read."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp import ledger
from onramp.core.audit import verify
from onramp.core.clock import utcnow
from onramp.core.db import standalone_sessions
from onramp.core.settings import Settings
from onramp.runtime.checks.chain_checks import one_payout_per_order, treasury_matches_chain
from onramp.runtime.checks.chain_view import ChainView, ChainWatch, read_chain_view
from onramp.runtime.checks.flow_checks import deposits_accounted_for, orders_can_progress
from onramp.runtime.checks.ledger_checks import (
    balances_match_postings,
    no_negative_customer_balance,
    trial_balance_zero,
)
from onramp.runtime.checks.results import InvariantResult, Scope

ATTEMPTS = 3
CHAIN_INVARIANTS = ("treasury_matches_chain", "one_payout_per_order")


async def audit_chain_verifies(session: AsyncSession) -> InvariantResult:
    found = await verify(session)
    return InvariantResult(
        "audit_chain_verifies",
        found.intact,
        f"{found.sealed} records sealed, {found.unsealed} awaiting the sealer"
        if found.intact
        else f"{len(found.problems)} breaks in the audit chain",
        found.problems[:5],
    )


def _skipped(name: str, why: str) -> InvariantResult:
    return InvariantResult(name, False, f"not checked: {why}")


async def wallet_addresses(sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    """The treasury's wallets, name -> address (what the chain view reads)."""
    async with sessions() as session:
        rows = await session.execute(text("SELECT name, address FROM treasury_wallets"))
        return {r.name: r.address for r in rows}


async def check_session(
    session: AsyncSession, view: ChainView | None, scope: Scope
) -> list[InvariantResult]:
    """Every invariant on what ``session`` sees (the chain invariants only with a ``view``)."""
    tb = await ledger.trial_balance(session)  # the module's name is its function's too
    found = [
        trial_balance_zero(tb),
        await no_negative_customer_balance(session),
        balances_match_postings(tb),
    ]
    if view is None:
        found += [_skipped(n, "no chain configured") for n in CHAIN_INVARIANTS]
    else:
        found.append(await treasury_matches_chain(session, view))
        found.append(await one_payout_per_order(session, view, scope))
    found.append(await deposits_accounted_for(session, scope))
    found.append(await orders_can_progress(session, scope))
    found.append(await audit_chain_verifies(session))
    return found


async def _in_snapshot(
    sessions: async_sessionmaker[AsyncSession], view: ChainView | None, scope: Scope
) -> list[InvariantResult]:
    async with sessions() as session, session.begin():
        await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        return await check_session(session, view, scope)


async def check_money(
    sessions: async_sessionmaker[AsyncSession], chain: ChainWatch | None, scope: Scope
) -> list[InvariantResult]:
    """One result per invariant, in a fixed order; all hold when nothing was lost or doubled."""
    for attempt in range(1, ATTEMPTS + 1):
        view = None
        if chain is not None:
            view = await read_chain_view(
                chain, await wallet_addresses(sessions), from_block=scope.from_block
            )
        found = await _in_snapshot(sessions, view, scope)
        chain_ok = all(r.holds for r in found if r.name in CHAIN_INVARIANTS)
        if chain is None or chain_ok or attempt == ATTEMPTS:
            return found
        await asyncio.sleep(0.5 * attempt)
    raise AssertionError("unreachable")


def chain_watch(settings: Settings) -> ChainWatch | None:
    chain = settings.chain
    if not (chain.rpc_url and chain.usdc_address and chain.vault_address):
        return None
    return ChainWatch(chain.rpc_url, chain.usdc_address, chain.vault_address)


async def check_stack(
    settings: Settings,
    *,
    grace: timedelta = timedelta(minutes=5),
    scope: Scope | None = None,
) -> list[InvariantResult]:
    """``check_money`` against the stack ``settings`` name, on a connection of its own."""
    if scope is None:
        scope = Scope(now=utcnow(), grace=grace, from_block=settings.chain.recon_first_block)
    async with standalone_sessions(settings.database.url) as sessions:
        return await check_money(sessions, chain_watch(settings), scope)
