"""Deposit intake and matching: each bank credit is stored once and booked once.

The deposits worker may also run (when another test started the full stack) and match a deposit
announced through the outbox before these tests do; matching is idempotent, so each test calls
``match_deposits`` itself right after intake and asserts the outcome in the database.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import (
    DEPOSIT_MATCHED,
    DEPOSIT_RECEIVED,
    DEPOSIT_UNMATCHED,
    format_creditor_reference,
    intake_notice,
    match_deposits,
)
from onramp.banking.intake.service import IntakeResult
from onramp.banking.models import Deposit
from onramp.core import metrics
from onramp.core.db import unit_of_work
from onramp.ledger import balance_of, bank_account, customer_account
from tests.integration.banking.deposits import (
    BANK,
    bank_credit,
    booking,
    deposit,
    deposit_id,
    eur,
    events_about,
    expect,
    expectation,
    notice,
    receive,
)

pytestmark = pytest.mark.integration


def _counted(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


async def test_exact_match_books_the_customer_and_announces_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(250_00))

    d = await receive(sessions, bank_credit(eur(250_00), expected.reference))

    assert (d.status, d.order_id, d.unmatched_reason) == ("matched", expected.order_id, None)
    assert d.creditor_reference == expected.reference
    e = await expectation(sessions, expected.reference)
    assert (e.status, e.deposit_id) == ("fulfilled", d.id)
    liability = customer_account(expected.customer_id, "EUR")
    assert await booking(sessions, d.id) == {bank_account(BANK, "EUR"): 250_00, liability: -250_00}
    async with unit_of_work(sessions) as session:
        assert await balance_of(session, liability) == eur(-250_00)
    (announced,) = await events_about(sessions, DEPOSIT_MATCHED, d.id)
    assert announced["order_id"] == str(expected.order_id)
    assert announced["customer_id"] == str(expected.customer_id)
    assert (announced["amount"], announced["currency"]) == ("250.00", "EUR")
    assert len(await events_about(sessions, DEPOSIT_RECEIVED, d.id)) == 1
    assert await events_about(sessions, DEPOSIT_UNMATCHED, d.id) == []


@pytest.mark.parametrize(
    "retype",
    [
        pytest.param(lambda ref: format_creditor_reference(ref).lower(), id="print-lower"),
        pytest.param(lambda ref: f"  {format_creditor_reference(ref)}  ", id="print-padded"),
        pytest.param(lambda ref: " ".join(ref.lower()), id="spaced-anywhere"),
    ],
)
async def test_reference_typed_by_a_human_still_matches(
    sessions: async_sessionmaker[AsyncSession], retype: Any
) -> None:
    expected = await expect(sessions, eur(99_99))

    d = await receive(sessions, bank_credit(eur(99_99), retype(expected.reference)))

    assert (d.status, d.order_id) == ("matched", expected.order_id)
    assert d.creditor_reference == expected.reference


async def test_same_bank_entry_delivered_twice_is_one_deposit(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(10_00))
    credit = bank_credit(eur(10_00), expected.reference)
    d = await receive(sessions, credit)

    async with unit_of_work(sessions) as session:
        again = await intake_notice(session, bank=BANK, notice=notice(credit))
    async with unit_of_work(sessions) as session:
        same_notice = notice(credit)
        await intake_notice(session, bank=BANK, notice=same_notice)
        replay = await intake_notice(session, bank=BANK, notice=same_notice)

    assert again == IntakeResult(received=0, duplicates=1)
    assert replay == IntakeResult(received=0, duplicates=1)
    async with unit_of_work(sessions) as session:
        rows = await session.scalars(
            select(Deposit.id).where(Deposit.bank_entry_id == credit.entry_id)
        )
        assert list(rows.all()) == [d.id]
    assert len(await events_about(sessions, DEPOSIT_RECEIVED, d.id)) == 1
    assert len(await booking(sessions, d.id)) == 2


async def test_two_payments_of_one_reference_in_one_batch_match_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(30_00))
    credits = [bank_credit(eur(30_00), expected.reference) for _ in range(2)]
    matched = _counted("onramp_deposits_matched_total", method="reference")
    held = _counted("onramp_deposits_suspense_total", reason="reference_already_used")

    await receive(sessions, *credits)

    # The process's counters move with the batch (what /metrics shows).
    assert _counted("onramp_deposits_matched_total", method="reference") == matched + 1
    assert _counted("onramp_deposits_suspense_total", reason="reference_already_used") == held + 1

    outcomes = [await deposit(sessions, await deposit_id(sessions, c.entry_id)) for c in credits]
    assert sorted((d.status, d.unmatched_reason) for d in outcomes) == [
        ("matched", None),
        ("unmatched", "reference_already_used"),
    ]


async def test_matching_the_same_deposit_twice_books_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(12_34))
    d = await receive(sessions, bank_credit(eur(12_34), expected.reference))

    async with unit_of_work(sessions) as session:
        await match_deposits(session, deposit_ids=[d.id, d.id])
    async with unit_of_work(sessions) as session:
        await match_deposits(session, deposit_ids=[d.id])

    liability = customer_account(expected.customer_id, "EUR")
    assert await booking(sessions, d.id) == {bank_account(BANK, "EUR"): 12_34, liability: -12_34}
    async with unit_of_work(sessions) as session:
        assert await balance_of(session, liability) == eur(-12_34)
    assert len(await events_about(sessions, DEPOSIT_MATCHED, d.id)) == 1
    assert (await deposit(sessions, d.id)).status == "matched"
