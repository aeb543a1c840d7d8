"""The money checker (runtime/checks): on a stack that took a deposit and paid it out, every
invariant holds; each invariant is caught when the books, the chain's view or the flow is
broken. The breakage is written inside a transaction that is rolled back (triggers off, as a
database owner could), so the shared stack stays as it was."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.clock import utcnow
from onramp.devstack.stack import Stack
from onramp.runtime.checks import (
    ChainView,
    InvariantResult,
    Scope,
    chain_watch,
    check_session,
    check_stack,
    read_chain_view,
    wallet_addresses,
)
from tests.e2e.conftest import pay, register
from tests.e2e.test_cli import onramp

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Paid:
    order_id: uuid.UUID
    customer_id: str
    since: datetime
    from_block: int
    # The invariants the shared stack broke before this module's order (earlier tests may
    # leave a made-up payout or a tampered balance on purpose): each test is held to the rest.
    broken_before: frozenset[str]

    def scope(self) -> Scope:
        return Scope(now=utcnow(), grace=timedelta(0), since=self.since, from_block=self.from_block)


@pytest.fixture(scope="module")
async def paid(stack: Stack) -> Paid:
    """One order, paid by bank transfer and paid out on chain (completed)."""
    watch = chain_watch(stack.settings)
    assert watch is not None
    from_block = (await read_chain_view(watch, {}, from_block=0)).block + 1
    since = utcnow()
    before = await check_stack(
        stack.settings,
        scope=Scope(now=since, grace=timedelta(0), since=since, from_block=from_block),
    )
    assert stack.bank is not None
    async with (
        httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client,
        httpx.AsyncClient(base_url=stack.bank.url, timeout=10.0) as bank,
    ):
        customer = await register(client, stack)
        order = await customer.order(await customer.quote("150.00"))
        await pay(bank, order)
        await customer.wait_for(order["id"], "completed")
    return Paid(
        uuid.UUID(order["id"]), customer.user_id, since, from_block, frozenset(_failing(before))
    )


async def _view(stack: Stack, paid: Paid, sessions: async_sessionmaker[AsyncSession]) -> ChainView:
    watch = chain_watch(stack.settings)
    assert watch is not None
    wallets = await wallet_addresses(sessions)
    return await read_chain_view(watch, wallets, from_block=paid.from_block)


@pytest.fixture
async def tampered(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A transaction with the database's triggers off, rolled back afterwards."""
    async with sessions() as session, session.begin():
        await session.execute(text("SET LOCAL session_replication_role = replica"))
        yield session
        await session.rollback()


def _failing(found: list[InvariantResult]) -> set[str]:
    return {r.name for r in found if not r.holds}


async def test_a_stack_that_paid_an_order_holds_every_invariant(
    stack: Stack, paid: Paid, capsys: pytest.CaptureFixture[str]
) -> None:
    found = await check_stack(stack.settings, scope=paid.scope())
    assert [r.name for r in found] == [
        "trial_balance_zero", "no_negative_customer_balance", "balances_match_postings",
        "treasury_matches_chain", "one_payout_per_order", "deposits_accounted_for",
        "orders_can_progress", "audit_chain_verifies",
    ]  # fmt: skip
    assert _failing(found) <= paid.broken_before, [r.line() for r in found if not r.holds]
    if "one_payout_per_order" not in paid.broken_before:  # else its detail names the breakage
        assert "1 completed orders" in found[4].detail


BROKEN_BOOKS = [
    # A posting written twice: its entry no longer balances, its account drifts.
    ("INSERT INTO postings (entry_id, account_id, currency, amount) SELECT entry_id, "
     "account_id, currency, amount FROM postings WHERE id = (SELECT max(id) FROM postings)",
     {"trial_balance_zero", "balances_match_postings"}),
    ("UPDATE ledger_accounts SET balance = balance - 1 WHERE code = 'customer:{c}:EUR'",
     {"balances_match_postings"}),
    ("UPDATE ledger_accounts SET balance = 500 WHERE code = 'customer:{c}:EUR'",
     {"balances_match_postings", "no_negative_customer_balance"}),
    ("UPDATE ledger_accounts SET balance = balance + 1 "
     "WHERE code LIKE 'chain:%' AND currency = 'USDC'",
     {"balances_match_postings", "treasury_matches_chain"}),
    # The order's money arrived but the order never moved on.
    ("UPDATE orders SET state = 'screening' WHERE id = '{o}'",
     {"deposits_accounted_for", "orders_can_progress", "one_payout_per_order"}),
    ("UPDATE orders SET state = 'priced' WHERE id = '{o}'",
     {"orders_can_progress", "one_payout_per_order"}),
    # Refunded after it was paid on chain: paid twice.
    ("UPDATE orders SET state = 'refunded' WHERE id = '{o}'", {"one_payout_per_order"}),
    ("UPDATE audit_log SET actor = 'mallory' WHERE seq = (SELECT max(seq) FROM audit_log)",
     {"audit_chain_verifies"}),
]  # fmt: skip


@pytest.mark.parametrize(("sql", "caught"), BROKEN_BOOKS)
async def test_each_broken_table_is_caught(
    stack: Stack,
    paid: Paid,
    sessions: async_sessionmaker[AsyncSession],
    tampered: AsyncSession,
    sql: str,
    caught: set[str],
) -> None:
    view = await _view(stack, paid, sessions)
    before = _failing(await check_session(tampered, view, paid.scope()))
    assert before <= paid.broken_before
    await tampered.execute(text(sql.format(c=paid.customer_id, o=paid.order_id)))
    after = _failing(await check_session(tampered, view, paid.scope()))
    assert after - before == caught - before
    assert caught <= after


async def test_each_broken_chain_view_is_caught(
    stack: Stack, paid: Paid, sessions: async_sessionmaker[AsyncSession]
) -> None:
    view = await _view(stack, paid, sessions)
    assert view.payouts[paid.order_id] == 1
    twice = Counter(view.payouts) + Counter([paid.order_id])
    never = Counter({k: n for k, n in view.payouts.items() if k != paid.order_id})
    stranger = Counter(view.payouts) + Counter([uuid.uuid4()])
    vault = next(n for n, a in view.addresses.items() if a.lower() == view.vault.lower())
    short = {**view.balances, vault: view.balances[vault] - 1}
    async with sessions() as session:
        before = _failing(await check_session(session, view, paid.scope()))
        for broken, name, why in [
            (replace(view, payouts=twice), "one_payout_per_order", "paid 2 times"),
            (replace(view, payouts=never), "one_payout_per_order", "completed, never paid"),
            (replace(view, payouts=stranger), "one_payout_per_order", "paid, no such order"),
            (replace(view, balances=short), "treasury_matches_chain", "differ from their ledger"),
        ]:
            found = {r.name: r for r in await check_session(session, broken, paid.scope())}
            assert _failing(list(found.values())) - before <= {name}
            assert not found[name].holds
            assert why in found[name].line()


async def test_a_completed_order_dated_after_the_window_is_left_out(
    stack: Stack, paid: Paid, sessions: async_sessionmaker[AsyncSession], tampered: AsyncSession
) -> None:
    """Tests that move the clock leave orders dated in the future on the shared stack; a later
    window must not hold them to payout events it does not read."""
    view = await _view(stack, paid, sessions)
    unpaid = replace(
        view, payouts=Counter({k: n for k, n in view.payouts.items() if k != paid.order_id})
    )
    await tampered.execute(
        text("UPDATE orders SET created_at = now() + interval '30 days' WHERE id = :o"),
        {"o": paid.order_id},
    )
    found = {r.name: r for r in await check_session(tampered, unpaid, paid.scope())}
    assert f"{paid.order_id} completed, never paid" not in found["one_payout_per_order"].examples


def test_onramp_check_prints_a_line_per_invariant_and_exits_0_when_all_hold(
    stack: Stack, paid: Paid
) -> None:
    result = onramp("check", "--grace", "86400", env=stack.env())
    lines = result.stdout.splitlines()
    assert len(lines) == 9, result.stderr
    # The whole shared stack is checked: earlier tests may have left it broken on purpose,
    # so the exit code is held to the lines, which name each invariant.
    assert lines[0].split()[1] == "trial_balance_zero"
    holding = sum(line.startswith("ok") for line in lines[:8])
    assert lines[-1] == f"{holding} of 8 invariants hold"
    assert result.returncode == (0 if holding == 8 else 1)
