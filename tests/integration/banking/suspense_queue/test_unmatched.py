"""Credits that match no open expectation: booked to suspense:<ccy>, announced, never dropped."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import creditor_reference_for_order, intake_notice, match_deposits
from onramp.banking.booking.payment_rules import PaymentRules
from onramp.banking.models import Deposit
from onramp.banking.references.creditor_reference import is_valid_creditor_reference
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.ledger import bank_account, suspense_account
from onramp.ledger.models import JournalEntry
from tests.integration.banking.deposits import (
    BANK,
    assert_in_suspense,
    bank_credit,
    booking,
    eur,
    expect,
    expectation,
    notice,
    receive,
    suspense_balance,
)

pytestmark = pytest.mark.integration


async def test_unknown_reference_goes_to_suspense(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    never_issued = creditor_reference_for_order(uuid7())
    before = await suspense_balance(sessions)

    d = await receive(sessions, bank_credit(eur(42_00), never_issued))

    assert d.creditor_reference == never_issued
    await assert_in_suspense(sessions, d, "unknown_reference", before)


async def test_held_underpayment_goes_to_suspense_and_keeps_the_expectation_open(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(100_00))
    before = await suspense_balance(sessions)

    d = await receive(
        sessions,
        bank_credit(eur(99_99), expected.reference),
        rules=PaymentRules(underpayment="hold"),
    )

    await assert_in_suspense(sessions, d, "underpayment", before, expected.order_id)
    e = await expectation(sessions, expected.reference)
    assert (e.status, e.deposit_id) == ("open", None)


async def test_currency_mismatch_goes_to_suspense(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(100_00))

    d = await receive(sessions, bank_credit(Money(100_00, "USD"), expected.reference))

    assert (d.status, d.unmatched_reason) == ("unmatched", "currency_mismatch")
    usd = {bank_account(BANK, "USD"): 100_00, suspense_account("USD"): -100_00}
    assert await booking(sessions, d.id) == usd
    assert (await expectation(sessions, expected.reference)).status == "open"


async def test_second_payment_with_a_used_reference_goes_to_suspense(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(30_00))
    first = await receive(sessions, bank_credit(eur(30_00), expected.reference))
    before = await suspense_balance(sessions)

    second = await receive(sessions, bank_credit(eur(30_00), expected.reference))

    assert first.status == "matched"
    await assert_in_suspense(sessions, second, "reference_already_used", before, expected.order_id)
    assert (await expectation(sessions, expected.reference)).deposit_id == first.id


async def test_reference_two_typos_away_is_unknown(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(55_00))
    ref = expected.reference
    # Both check digits wrong: beyond what matching corrects.
    typo = next(
        bad
        for check in range(2, 99)
        if not is_valid_creditor_reference(bad := f"RF{check:02d}{ref[4:]}")
        and bad[2] != ref[2]
        and bad[3] != ref[3]
    )
    before = await suspense_balance(sessions)

    d = await receive(sessions, bank_credit(eur(55_00), typo))

    assert d.creditor_reference is None
    assert d.reference_text == typo
    await assert_in_suspense(sessions, d, "unknown_reference", before)
    assert (await expectation(sessions, ref)).status == "open"


async def test_zero_amount_credit_does_not_break_matching_of_its_batch(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(20_00))
    good, zero = bank_credit(eur(20_00), expected.reference), bank_credit(eur(0), "test")
    # One transaction, rolled back at the end: nothing of this test stays behind.
    async with sessions() as session:
        try:
            await intake_notice(session, bank=BANK, notice=notice(good, zero))
            rows = await session.execute(
                select(Deposit.id, Deposit.bank_entry_id).where(
                    Deposit.bank_entry_id.in_([good.entry_id, zero.entry_id])
                )
            )
            ids = {entry_id: id_ for id_, entry_id in rows.all()}
            await match_deposits(session, deposit_ids=list(ids.values()))
            statuses = {
                entry_id: await session.scalar(select(Deposit.status).where(Deposit.id == id_))
                for entry_id, id_ in ids.items()
            }
            assert statuses[good.entry_id] == "matched"
            # Stored and visible (or refused at intake), but never left to be matched again.
            assert statuses.get(zero.entry_id, "not stored") != "received"
            booked = await session.scalar(
                select(func.count())
                .select_from(JournalEntry)
                .where(
                    JournalEntry.kind == "deposit",
                    JournalEntry.reference.in_([str(i) for i in ids.values()]),
                )
            )
            assert booked == 1  # only the good deposit is booked
        finally:
            await session.rollback()
