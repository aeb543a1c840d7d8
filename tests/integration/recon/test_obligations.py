"""What the books owe customers against deposits, orders and refunds, on PostgreSQL.

The check is global in production; the test database holds every other test's customers (some
with entries no money path wrote), so these tests scope it to their own customers, and the one
that goes through a whole run compares the global difference before and after its own injected
inconsistency (docs/reconciliation.md, Obligations).

A customer's order walks the money path (deposit matched, priced, queued, in flight, paid out,
a refund): the books and the tables agree at each step and the USDC owed is the payouts queued
plus in flight. Then each inconsistency: a payout posted while the order is still in flight, a
posting to the wrong customer (totals equal, two accounts off), suspense credited with no
deposit (through a run: the break, then cleared when reversed).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import creditor_reference_for_order, request_refund
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.ledger import (
    bank_account,
    chain_account,
    credit,
    customer_account,
    debit,
    entry,
    fx_account,
    post_entry,
    suspense_account,
)
from onramp.orders import Order
from onramp.recon.obligations import ObligationsMatched, reconcile_obligations
from onramp.recon.runs import run_recon
from tests.integration.banking.deposits import bank_credit, eur, expect, receive

pytestmark = pytest.mark.integration

USDC = 111_000_000  # what the order's 100.00 EUR buys, base units


def usdc(minor: int) -> Money:
    return Money(minor, "USDC")


async def _obligations(
    sessions: async_sessionmaker[AsyncSession], *customers: uuid.UUID
) -> tuple[ObligationsMatched, list[tuple[str, int, str]]]:
    async with unit_of_work(sessions) as session:
        held, findings = await reconcile_obligations(session, customers=set(customers))
    return held, [(f.reference, f.amount, f.detail) for f in findings]


async def _post(sessions: async_sessionmaker[AsyncSession], kind: str, *legs: object) -> None:
    async with unit_of_work(sessions) as session:
        await post_entry(session, entry(kind, uuid7().hex, *legs))  # type: ignore[arg-type]


async def _funded_customer(
    sessions: async_sessionmaker[AsyncSession],
) -> tuple[uuid.UUID, uuid.UUID]:
    """A customer whose 120.00 EUR deposit matched its order; returns (customer, deposit)."""
    expected = await expect(sessions, eur(120_00))
    deposit = await receive(sessions, bank_credit(eur(120_00), expected.reference))
    assert deposit.customer_id == expected.customer_id
    async with unit_of_work(sessions) as session:
        session.add(
            Order(
                id=expected.order_id, customer_id=expected.customer_id, state="funds_received",
                source_currency="EUR", source_amount=100_00, target_currency="USDC",
                destination_address="0x" + "ab" * 20, deposit_id=deposit.id,
                creditor_reference=creditor_reference_for_order(expected.order_id),
                limit_eur=Decimal("100.00"),
            )
        )  # fmt: skip
    return expected.customer_id, expected.order_id


async def _move(sessions: async_sessionmaker[AsyncSession], order_id: uuid.UUID, state: str,
                *legs: object) -> None:  # fmt: skip
    """The order's move and its entry in one transaction, as the money path commits them."""
    async with unit_of_work(sessions) as session:
        values: dict[str, object] = {"state": state}
        if state == "priced":
            values |= {"target_amount": USDC, "fee_amount": 0}
        await session.execute(update(Order).where(Order.id == order_id).values(**values))
        if legs:
            kind = "conversion" if state == "priced" else "payout"
            await post_entry(session, entry(kind, str(order_id), *legs))  # type: ignore[arg-type]


def _figures(held: ObligationsMatched, key: str) -> dict[str, int]:
    return held.as_dict()["by_account_class"][key]


async def test_the_money_path_agrees_at_every_step_and_usdc_owed_is_the_payouts_pending(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    customer, order = await _funded_customer(sessions)
    funded, found = await _obligations(sessions, customer)
    assert found == []
    assert _figures(funded, "customer:EUR")["books"] == _figures(funded, "customer:EUR")["tables"]
    assert _figures(funded, "customer:EUR")["tables"] == 120_00

    eur_ = customer_account(customer, "EUR")
    await _move(
        sessions, order, "priced",
        debit(eur_, eur(100_00)), credit(fx_account("EUR"), eur(100_00)),
        debit(fx_account("USDC"), usdc(USDC)),
        credit(customer_account(customer, "USDC"), usdc(USDC)),
    )  # fmt: skip
    priced, found = await _obligations(sessions, customer)
    assert found == []
    assert _figures(priced, "customer:EUR")["tables"] == 20_00  # the excess, not priced
    assert _figures(priced, "customer:USDC") == {
        "books": USDC, "tables": USDC, "accounts_off": 0, "payouts_queued": USDC,
        "payouts_in_flight": 0,
    }  # fmt: skip

    await _move(sessions, order, "payout_broadcast")
    in_flight, found = await _obligations(sessions, customer)
    assert found == []
    assert _figures(in_flight, "customer:USDC")["payouts_in_flight"] == USDC

    await _move(sessions, order, "completed", debit(customer_account(customer, "USDC"),
                usdc(USDC)), credit(chain_account("vault"), usdc(USDC)))  # fmt: skip
    async with unit_of_work(sessions) as session:
        await request_refund(session, deposit_id=(await _deposit_of(sessions, order)),
                             amount=eur(20_00), reason="excess", actor="test",
                             now=datetime.now(UTC))  # fmt: skip
    done, found = await _obligations(sessions, customer)
    assert found == []
    assert _figures(done, "customer:USDC")["tables"] == 0
    assert _figures(done, "customer:EUR")["books"] == 0
    assert done.agreeing == 2


async def _deposit_of(sessions: async_sessionmaker[AsyncSession], order: uuid.UUID) -> uuid.UUID:
    async with unit_of_work(sessions) as session:
        found = await session.get(Order, order)
        assert found is not None
        assert found.deposit_id is not None
        return found.deposit_id


async def test_a_payout_posted_while_the_order_is_in_flight_is_an_obligation_mismatch(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    customer, order = await _funded_customer(sessions)
    eur_, usdc_ = customer_account(customer, "EUR"), customer_account(customer, "USDC")
    await _move(
        sessions, order, "priced",
        debit(eur_, eur(100_00)), credit(fx_account("EUR"), eur(100_00)),
        debit(fx_account("USDC"), usdc(USDC)), credit(usdc_, usdc(USDC)),
    )  # fmt: skip
    await _move(sessions, order, "payout_broadcast")
    # The payout's entry without the order's move (a crash between two transactions, say).
    await _post(sessions, "payout", debit(usdc_, usdc(USDC)), credit(chain_account("vault"),
                usdc(USDC)))  # fmt: skip

    _, found = await _obligations(sessions, customer)

    ((reference, amount, detail),) = found
    assert (reference, amount) == ("obligations:customer:USDC", -USDC)
    assert f"the books owe 0 on customer:*:USDC, the deposits, orders and refunds {USDC}" in detail
    assert f"in flight {USDC}" in detail
    assert f"{usdc_} -{USDC}" in detail


async def test_a_posting_to_the_wrong_customer_is_found_though_the_totals_agree(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    (one, _), (other, _) = await _funded_customer(sessions), await _funded_customer(sessions)
    await _post(sessions, "misallocation", debit(customer_account(one, "EUR"), eur(1)),
                credit(customer_account(other, "EUR"), eur(1)))  # fmt: skip

    held, found = await _obligations(sessions, one, other)

    ((reference, amount, detail),) = found
    assert (reference, amount) == ("obligations:customer:EUR", 0)
    assert _figures(held, "customer:EUR")["accounts_off"] == 2
    assert f"{customer_account(one, 'EUR')} -1" in detail
    assert f"{customer_account(other, 'EUR')} 1" in detail


def _suspense_gap(result: object) -> int:
    figures = result.matched["obligations"]["by_account_class"]["suspense:EUR"]  # type: ignore[attr-defined]
    return int(figures["books"]) - int(figures["tables"])


async def test_a_run_reports_suspense_credited_with_no_deposit_and_clears_it_when_reversed(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Global: the shared database's own difference is read first and held constant."""
    await receive(sessions, bank_credit(eur(3_00), "no reference at all"))  # to suspense
    day = datetime.now(UTC).date()

    async def run() -> object:
        async with unit_of_work(sessions) as session:
            return await run_recon(session, day=day, now=datetime.now(UTC), requested_by="test")

    before = await run()
    await _post(sessions, "injected", debit(bank_account("sandbox", "EUR"), eur(5_00)),
                credit(suspense_account("EUR"), eur(5_00)))  # fmt: skip
    injected = await run()
    await _post(sessions, "injected_reversal", debit(suspense_account("EUR"), eur(5_00)),
                credit(bank_account("sandbox", "EUR"), eur(5_00)))  # fmt: skip
    reversed_ = await run()

    assert _suspense_gap(injected) - _suspense_gap(before) == 5_00
    (found,) = [b for b in injected.breaks if b.reference == "obligations:suspense:EUR"]  # type: ignore[attr-defined]
    assert (found.type, found.source, int(found.amount)) == ("obligation_mismatch", "ledger",
                                                             _suspense_gap(injected))  # fmt: skip
    assert _suspense_gap(reversed_) == _suspense_gap(before)
    if _suspense_gap(before) == 0:  # the shared database agreed: the break clears
        assert [b for b in reversed_.breaks if b.reference == "obligations:suspense:EUR"] == []  # type: ignore[attr-defined]
