"""Helpers of the banking integration tests: expectations, bank credits, what got booked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.banking import (
    DEPOSIT_MATCHED,
    DEPOSIT_UNMATCHED,
    creditor_reference_for_order,
    expect_deposit,
    intake_notice,
    match_deposits,
)
from onramp.banking.adapters.base import BankCredit, BankNotice
from onramp.banking.booking.deposit_booking import DEFAULT_RULES
from onramp.banking.booking.payment_rules import PaymentRules
from onramp.banking.intake.service import IntakeResult
from onramp.banking.models import Deposit, DepositExpectation
from onramp.core.db import as_int, unit_of_work
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.ledger import balance_of, bank_account, suspense_account
from tests.ibans import fresh_iban

BANK = "sandbox"


@dataclass(frozen=True)
class Expected:
    order_id: uuid.UUID
    customer_id: uuid.UUID
    reference: str
    amount: Money


def eur(minor: int) -> Money:
    return Money(minor, "EUR")


def bank_credit(
    amount: Money,
    reference_text: str,
    entry_id: str | None = None,
    sender_iban: str | None = None,
) -> BankCredit:
    """A credit from ``sender_iban``, else from an account no other test uses (see ibans.py)."""
    return BankCredit(
        entry_id=entry_id or f"entry-{uuid7().hex}",
        amount=amount,
        reference_text=reference_text,
        sender_name="Ada Lovelace",
        sender_iban=sender_iban or fresh_iban(),
        account_iban="DE02120300000000202051",
        booked_at=datetime.now(UTC),
    )


def notice(*credits: BankCredit) -> BankNotice:
    return BankNotice(
        event_id=f"evt-{uuid7().hex}",
        credits=list(credits),
        payload={"entries": [c.entry_id for c in credits]},
    )


async def expect(sessions: async_sessionmaker[AsyncSession], amount: Money) -> Expected:
    order_id = uuid7()
    expected = Expected(order_id, uuid7(), creditor_reference_for_order(order_id), amount)
    async with unit_of_work(sessions) as session:
        await expect_deposit(
            session,
            order_id=expected.order_id,
            customer_id=expected.customer_id,
            creditor_reference=expected.reference,
            amount=amount,
        )
    return expected


async def receive(
    sessions: async_sessionmaker[AsyncSession],
    *credits: BankCredit,
    rules: PaymentRules = DEFAULT_RULES,
) -> Deposit:
    """Intake one notice and match its deposits in one transaction (so the running stack's
    deposits worker, which matches with the default rules, never sees them first); return the
    first credit's deposit."""
    async with unit_of_work(sessions) as session:
        result = await intake_notice(session, bank=BANK, notice=notice(*credits))
        assert result == IntakeResult(received=len(credits), duplicates=0)
        rows = await session.execute(
            select(Deposit.id, Deposit.bank_entry_id).where(
                Deposit.bank == BANK, Deposit.bank_entry_id.in_([c.entry_id for c in credits])
            )
        )
        by_entry = {entry_id: id_ for id_, entry_id in rows.all()}
        ids = [by_entry[c.entry_id] for c in credits]
        await match_deposits(session, deposit_ids=ids, rules=rules)
    return await deposit(sessions, ids[0])


async def deposit_id(sessions: async_sessionmaker[AsyncSession], entry_id: str) -> uuid.UUID:
    async with unit_of_work(sessions) as session:
        found = await session.scalar(
            select(Deposit.id).where(Deposit.bank == BANK, Deposit.bank_entry_id == entry_id)
        )
    assert found is not None
    return found


async def deposit(sessions: async_sessionmaker[AsyncSession], id_: uuid.UUID) -> Deposit:
    async with unit_of_work(sessions) as session:
        found = await session.get(Deposit, id_)
    assert found is not None
    return found


async def expectation(sessions: async_sessionmaker[AsyncSession], ref: str) -> DepositExpectation:
    async with unit_of_work(sessions) as session:
        found = await session.get(DepositExpectation, ref)
    assert found is not None
    return found


async def booking(sessions: async_sessionmaker[AsyncSession], id_: uuid.UUID) -> dict[str, int]:
    """The postings of the deposit's journal entries, by account code (one entry expected)."""
    async with unit_of_work(sessions) as session:
        rows = (
            await session.execute(
                text(
                    "SELECT e.id, a.code, p.amount FROM journal_entries e "
                    "JOIN postings p ON p.entry_id = e.id "
                    "JOIN ledger_accounts a ON a.id = p.account_id "
                    "WHERE e.kind = 'deposit' AND e.reference = :ref"
                ),
                {"ref": str(id_)},
            )
        ).all()
    assert len({r.id for r in rows}) == 1, f"deposit {id_} booked {len({r.id for r in rows})}x"
    return {r.code: as_int(r.amount) for r in rows}


async def events_about(
    sessions: async_sessionmaker[AsyncSession], subject: str, id_: uuid.UUID
) -> list[dict[str, Any]]:
    async with unit_of_work(sessions) as session:
        rows = await session.execute(
            text(
                "SELECT convert_from(payload, 'UTF8')::jsonb -> 'data' AS data FROM outbox "
                "WHERE subject = :subject "
                "AND convert_from(payload, 'UTF8')::jsonb -> 'data' ->> 'deposit_id' = :id"
            ),
            {"subject": subject, "id": str(id_)},
        )
        return [row.data for row in rows]


async def suspense_balance(sessions: async_sessionmaker[AsyncSession]) -> Money:
    async with unit_of_work(sessions) as session:
        return await balance_of(session, suspense_account("EUR"))


async def assert_in_suspense(
    sessions: async_sessionmaker[AsyncSession],
    d: Deposit,
    reason: str,
    before: Money,
    suggested: uuid.UUID | None = None,
) -> None:
    assert (d.status, d.unmatched_reason, d.order_id) == ("unmatched", reason, None)
    assert d.suggested_order_id == suggested
    amount = Money(as_int(d.amount), d.currency)
    suspense = suspense_account("EUR")
    assert await booking(sessions, d.id) == {
        bank_account(BANK, "EUR"): amount.minor,
        suspense: -amount.minor,
    }
    # A liability: the credit balance grows by the amount (balances are debit-positive).
    assert await suspense_balance(sessions) == before - amount
    (announced,) = await events_about(sessions, DEPOSIT_UNMATCHED, d.id)
    assert announced["reason"] == reason
    assert announced["amount"] == str(amount)
    assert await events_about(sessions, DEPOSIT_MATCHED, d.id) == []


async def waits_for_a_lock(sessions: async_sessionmaker[AsyncSession], pid: int) -> bool:
    """Whether the database session with backend ``pid`` waits for a lock (a row's, an
    advisory one): a test holding it open knows the other side reached it."""
    async with sessions() as session:
        waiting = await session.scalar(
            text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :pid"),
            {"pid": pid},
        )
    return bool(waiting)
