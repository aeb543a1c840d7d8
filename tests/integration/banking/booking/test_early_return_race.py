"""Two deposits workers at once: one settles a return that found no deposit (not yet
committed) while the other matches the credit it takes back, which arrived meanwhile. The
credit must never fund its order: the matcher waits for the settlement, then sees the return
and holds the credit as returned. Two sessions of the real database play the two workers."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import (
    DEPOSIT_MATCHED,
    Deposit,
    DepositReversal,
    intake_notice,
    match_deposits,
)
from onramp.banking.adapters.base import BankNotice, BankReversal
from onramp.banking.booking.early_returns import RETURNED_FIRST
from onramp.banking.booking.returns import settle_reversals
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from tests.integration.banking.deposits import (
    BANK,
    bank_credit,
    deposit,
    eur,
    events_about,
    expect,
    expectation,
    notice,
    waits_for_a_lock,
)

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)


async def unannounced(session: AsyncSession, bank_notice: BankNotice) -> uuid.UUID:
    """Store the notice's one credit or return without its outbox event (a running stack's
    deposits worker must not take it: this test plays the workers); its id."""
    await intake_notice(session, bank=BANK, notice=bank_notice)
    model: type[Deposit | DepositReversal]
    if bank_notice.credits:
        model, field, entry_id = Deposit, "deposit_id", bank_notice.credits[0].entry_id
    else:
        model, field, entry_id = DepositReversal, "reversal_id", bank_notice.reversals[0].entry_id
    stored = await session.scalar(
        select(model.id).where(model.bank == BANK, model.bank_entry_id == entry_id)
    )
    assert stored is not None
    await session.execute(
        text(
            "DELETE FROM outbox "
            "WHERE convert_from(payload, 'UTF8')::jsonb -> 'data' ->> :field = :id"
        ),
        {"field": field, "id": str(stored)},
    )
    return stored


async def test_a_credit_matched_while_its_return_is_being_settled_funds_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    expected = await expect(sessions, eur(45_00))
    credit = bank_credit(eur(45_00), expected.reference)
    takeback = BankReversal(
        entry_id=f"ret-{uuid7().hex}",
        amount=eur(45_00),
        booked_at=NOW,
        original_entry_id=credit.entry_id,
        end_to_end_id=None,
        return_reason="AC04",
    )
    async with unit_of_work(sessions) as session:
        returned = BankNotice(f"evt-{uuid7().hex}", credits=[], payload={}, reversals=[takeback])
        reversal_id = await unannounced(session, returned)
    matcher_pid: list[int] = []

    async def second_worker_matches(deposit_id: uuid.UUID) -> None:
        async with unit_of_work(sessions) as session:
            matcher_pid.append(int(await session.scalar(text("SELECT pg_backend_pid()")) or 0))
            await match_deposits(session, deposit_ids=[deposit_id])

    async with unit_of_work(sessions) as first_worker:
        # The first worker settles the return: no deposit yet, so against suspense, unknown.
        settled = await settle_reversals(
            first_worker, reversal_ids=[reversal_id], order_funds=None, now=NOW
        )
        assert settled.unknown == 1
        # The credit comes in (committed) before the first worker commits ...
        async with unit_of_work(sessions) as intake:
            deposit_id = await unannounced(intake, notice(credit))
        # ... and the second worker matches it meanwhile.
        matching = asyncio.create_task(second_worker_matches(deposit_id))
        while not matching.done():  # it ends, or it waits for the first worker's commit
            if matcher_pid and await waits_for_a_lock(sessions, matcher_pid[0]):
                break
            await asyncio.sleep(0.05)
    await matching

    d = await deposit(sessions, deposit_id)
    assert (d.status, d.unmatched_reason, d.order_id) == ("returned", RETURNED_FIRST, None)
    assert await events_about(sessions, DEPOSIT_MATCHED, deposit_id) == []
    assert (await expectation(sessions, expected.reference)).status == "open"
    async with unit_of_work(sessions) as session:
        r = await session.get_one(DepositReversal, reversal_id)
    assert (r.status, r.outcome, r.deposit_id) == ("booked", "returned_from_suspense", d.id)
