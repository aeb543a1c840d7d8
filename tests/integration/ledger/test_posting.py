"""Posting through the ledger service against the real, migrated database."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import as_int, unit_of_work
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.ledger import (
    EntryDraft,
    InvalidAccountCode,
    Leg,
    UnbalancedEntry,
    balance_of,
    bank_account,
    credit,
    customer_account,
    debit,
    entry,
    fees_account,
    fx_account,
    post_entries,
    post_entry,
    trial_balance,
)
from onramp.ledger.models import JournalEntry, Posting

pytestmark = pytest.mark.integration

BANK = bank_account("sandbox", "EUR")


def eur(minor: int) -> Money:
    return Money(minor, "EUR")


def deposit_draft(customer: uuid.UUID, minor: int, reference: str | None = None) -> EntryDraft:
    amount = eur(minor)
    return entry(
        "test_deposit",
        reference or uuid7().hex,
        debit(BANK, amount),
        credit(customer_account(customer, "EUR"), amount),
    )


async def entries_for(session: AsyncSession, kind: str, reference: str) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(JournalEntry.id).where(
            JournalEntry.kind == kind, JournalEntry.reference == reference
        )
    )
    return list(rows.all())


async def postings_of(session: AsyncSession, entry_id: uuid.UUID) -> dict[str, int]:
    rows = await session.execute(
        text(
            "SELECT a.code, p.amount FROM postings p JOIN ledger_accounts a ON a.id = p.account_id "
            "WHERE p.entry_id = :entry_id"
        ),
        {"entry_id": entry_id},
    )
    return {code: as_int(amount) for code, amount in rows.all()}


async def test_post_entries_writes_entries_postings_and_balances(session: AsyncSession) -> None:
    customer = uuid7()
    first, second = deposit_draft(customer, 10_000), deposit_draft(customer, 2_550)
    bank_before = await balance_of(session, BANK)

    ids = await post_entries(session, [first, second])

    assert len(ids) == 2
    assert await entries_for(session, "test_deposit", first.reference) == [ids[0]]
    assert await entries_for(session, "test_deposit", second.reference) == [ids[1]]
    liability = customer_account(customer, "EUR")
    assert await postings_of(session, ids[0]) == {BANK: 10_000, liability: -10_000}
    assert await postings_of(session, ids[1]) == {BANK: 2_550, liability: -2_550}
    assert await balance_of(session, liability) == eur(-12_550)
    assert await balance_of(session, BANK) == bank_before + eur(12_550)


async def test_balance_of_an_account_never_posted_to_is_zero(session: AsyncSession) -> None:
    assert await balance_of(session, customer_account(uuid7(), "USDC")) == Money(0, "USDC")


async def test_same_kind_and_reference_is_written_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    customer = uuid7()
    liability = customer_account(customer, "EUR")
    draft = deposit_draft(customer, 4_200)
    async with unit_of_work(sessions) as session:
        first = await post_entry(session, draft)
    assert first is not None

    async with unit_of_work(sessions) as session:
        assert await post_entries(session, [draft]) == []
        assert await post_entry(session, draft) is None
        # A replay inside a batch with a new entry writes only the new one.
        fresh = deposit_draft(customer, 100)
        written = await post_entries(session, [draft, fresh])
        assert len(written) == 1
        assert await entries_for(session, fresh.kind, fresh.reference) == written

    async with unit_of_work(sessions) as session:
        assert await entries_for(session, draft.kind, draft.reference) == [first]
        count = await session.scalar(
            select(func.count()).select_from(Posting).where(Posting.entry_id == first)
        )
        assert count == 2
        assert await balance_of(session, liability) == eur(-4_300)


async def test_conversion_entry_balances_per_currency(session: AsyncSession) -> None:
    customer = uuid7()
    await post_entry(session, deposit_draft(customer, 100_00))
    reference = uuid7().hex
    fee, net, usdc = eur(1_50), eur(98_50), Money(106_123_456, "USDC")
    conversion = entry(
        "test_conversion",
        reference,
        debit(customer_account(customer, "EUR"), eur(100_00)),
        credit(fees_account("EUR"), fee),
        credit(fx_account("EUR"), net),
        debit(fx_account("USDC"), usdc),
        credit(customer_account(customer, "USDC"), usdc),
    )
    entry_id = await post_entry(session, conversion)
    assert entry_id is not None

    per_currency = await session.execute(
        text(
            "SELECT currency, SUM(amount) AS net, COUNT(*) AS n FROM postings "
            "WHERE entry_id = :entry_id GROUP BY currency ORDER BY currency"
        ),
        {"entry_id": entry_id},
    )
    assert [(r.currency, as_int(r.net), r.n) for r in per_currency] == [
        ("EUR", 0, 3),
        ("USDC", 0, 2),
    ]
    assert await balance_of(session, customer_account(customer, "EUR")) == eur(0)
    assert await balance_of(session, customer_account(customer, "USDC")) == -usdc


async def test_trial_balance_totals_and_balanced(session: AsyncSession) -> None:
    customer = uuid7()
    await post_entry(session, deposit_draft(customer, 7_777))
    liability = customer_account(customer, "EUR")

    tb = await trial_balance(session)

    assert tb.balanced
    assert tb.drifted == []
    assert all(t.net.is_zero() for t in tb.totals)
    by_currency = {t.currency: t for t in tb.totals}
    assert by_currency["EUR"].debits.minor >= 7_777
    assert by_currency["EUR"].debits == by_currency["EUR"].credits
    balances = {a.code: a for a in tb.accounts}
    assert balances[liability].balance == eur(-7_777)
    assert balances[liability].kind == "liability"
    assert balances[BANK].kind == "asset"


async def test_unbalanced_draft_is_refused_and_nothing_is_written(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    customer = uuid7()
    good = deposit_draft(customer, 500)
    off_by_one = entry(
        "test_deposit",
        uuid7().hex,
        debit(BANK, eur(500)),
        credit(customer_account(customer, "EUR"), eur(499)),
    )
    with pytest.raises(UnbalancedEntry):
        async with unit_of_work(sessions) as session:
            await post_entries(session, [good, off_by_one])

    async with unit_of_work(sessions) as session:
        assert await entries_for(session, good.kind, good.reference) == []
        assert await entries_for(session, off_by_one.kind, off_by_one.reference) == []
        assert await balance_of(session, customer_account(customer, "EUR")) == eur(0)


@pytest.mark.parametrize(
    "legs",
    [
        pytest.param((Leg(BANK, eur(10)),), id="one-leg"),
        pytest.param((Leg(BANK, eur(0)), Leg(fees_account("EUR"), eur(0))), id="zero-legs"),
        pytest.param(
            (Leg(BANK, eur(10)), Leg(fees_account("USD"), Money(-10, "USD"))), id="two-currencies"
        ),
        pytest.param(
            (Leg(BANK, eur(10)), Leg(fees_account("USD"), eur(-10))), id="leg-currency-not-account"
        ),
    ],
)
async def test_malformed_drafts_are_refused(
    sessions: async_sessionmaker[AsyncSession], legs: tuple[Leg, ...]
) -> None:
    draft = EntryDraft(kind="test_malformed", reference=uuid7().hex, legs=legs)
    with pytest.raises(UnbalancedEntry):
        async with unit_of_work(sessions) as session:
            await post_entries(session, [draft])
    async with unit_of_work(sessions) as session:
        assert await entries_for(session, draft.kind, draft.reference) == []


async def test_debit_and_credit_refuse_non_positive_amounts() -> None:
    with pytest.raises(UnbalancedEntry):
        debit(BANK, eur(0))
    with pytest.raises(UnbalancedEntry):
        credit(BANK, eur(-1))


async def test_unknown_account_class_is_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    reference = uuid7().hex
    draft = EntryDraft(
        kind="test_malformed",
        reference=reference,
        legs=(Leg(BANK, eur(10)), Leg("wallet:x:EUR", eur(-10))),
    )
    with pytest.raises(InvalidAccountCode):
        async with unit_of_work(sessions) as session:
            await post_entries(session, [draft])
    async with unit_of_work(sessions) as session:
        assert await entries_for(session, draft.kind, reference) == []
