"""Deposit intake and what the orders side asks of deposits.

Intake (the webhook request, a statement import) stores each credit once per bank entry id and
announces it; matching and booking them is :mod:`onramp.banking.booking.deposit_booking`. An order's
expectation (what it was told to send) opens, expires and reopens here, and the deposits an
order may be paid on are read here.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import events
from onramp.banking.accounts.account_numbers import normalise_account_number
from onramp.banking.adapters.base import BankCredit, BankNotice
from onramp.banking.intake.bank_entries import insert_once
from onramp.banking.intake.reversals import insert_reversals
from onramp.banking.models import (
    REFERENCE_TEXT_MAX,
    BankNotification,
    Deposit,
    DepositExpectation,
    DepositSource,
    DepositStatus,
    ExpectationStatus,
)
from onramp.banking.references.creditor_reference import (
    InvalidCreditorReference,
    normalize_creditor_reference,
)
from onramp.core.errors import InvariantViolated
from onramp.core.ids import uuid7
from onramp.core.keys import opened_row
from onramp.core.money import Money


@dataclass(frozen=True)
class IntakeResult:
    received: int
    duplicates: int


def parse_reference(text: str) -> str | None:
    try:
        return normalize_creditor_reference(text)
    except InvalidCreditorReference:
        return None


async def expect_deposit(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    customer_id: uuid.UUID,
    creditor_reference: str,
    amount: Money,
) -> None:
    session.add(
        DepositExpectation(
            creditor_reference=creditor_reference,
            order_id=order_id,
            customer_id=customer_id,
            amount=amount.minor,
            currency=amount.currency,
            status=ExpectationStatus.OPEN.value,
        )
    )
    await session.flush()


def _deposit_row(bank: str, credit: BankCredit, source: str) -> dict[str, Any]:
    deposit_id = uuid7()
    return {
        "id": deposit_id,
        "bank": bank,
        "bank_entry_id": credit.entry_id,
        "amount": credit.amount.minor,
        "currency": credit.amount.currency,
        "reference_text": credit.reference_text[:REFERENCE_TEXT_MAX],
        "creditor_reference": parse_reference(credit.reference_text),
        **Deposit.sender_name.column_values(deposit_id, credit.sender_name[:200]),
        **Deposit.sender_iban.column_values(
            deposit_id, normalise_account_number(credit.sender_iban)
        ),
        "booked_at": credit.booked_at,
        "status": DepositStatus.RECEIVED.value,
        "source": source,
        "end_to_end_id": credit.end_to_end_id,
    }


async def intake_notice(session: AsyncSession, *, bank: str, notice: BankNotice) -> IntakeResult:
    await session.execute(
        insert(BankNotification)
        .values(id=uuid7(), bank=bank, external_id=notice.event_id, payload=notice.payload)
        .on_conflict_do_nothing(index_elements=["bank", "external_id"])
    )
    new_ids = await insert_credits(
        session, bank=bank, credits=notice.credits, source=DepositSource.WEBHOOK.value
    )
    returns = await insert_reversals(
        session, bank=bank, reversals=notice.reversals, source=DepositSource.WEBHOOK.value
    )
    return IntakeResult(
        received=len(new_ids) + len(returns),
        duplicates=len(notice.credits) + len(notice.reversals) - len(new_ids) - len(returns),
    )


async def insert_credits(
    session: AsyncSession, *, bank: str, credits: Sequence[BankCredit], source: str
) -> list[uuid.UUID]:
    """Store each credit once per (bank, entry id), whichever way the bank reported it first,
    and announce the new ones; returns their ids (a credit known before is a duplicate)."""
    if not credits:
        return []
    rows = [_deposit_row(bank, c, source) for c in credits]
    return await insert_once(
        session, Deposit, rows, subject=events.DEPOSIT_RECEIVED, id_field="deposit_id"
    )


def open_expectation_orders() -> Select[uuid.UUID]:
    """The orders whose deposit expectation is still open, as a subquery for their callers:
    only those can expire unpaid (one whose money arrived is funded, its event on its way)."""
    return select(DepositExpectation.order_id).where(
        DepositExpectation.status == ExpectationStatus.OPEN.value
    )


async def expire_expectations(
    session: AsyncSession, *, order_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """Close the expectations of these unpaid orders; returns the orders whose expectation was
    still open. One the money already fulfilled is left alone: that order is funded, not late."""
    if not order_ids:
        return []
    rows = await session.scalars(
        select(DepositExpectation)
        .where(
            DepositExpectation.order_id.in_(order_ids),
            DepositExpectation.status == ExpectationStatus.OPEN.value,
        )
        .order_by(DepositExpectation.creditor_reference)
        .with_for_update()
    )
    closed = []
    for expectation in rows:
        expectation.status = ExpectationStatus.EXPIRED.value
        closed.append(expectation.order_id)
    return closed


async def attach_order(
    session: AsyncSession, *, deposit_id: uuid.UUID, order_id: uuid.UUID
) -> uuid.UUID:
    """Give a matched deposit that funds no order yet (a standing reference, a late payment)
    the order it now funds; returns the order it funds, which is an earlier one when this is a
    replay of the same event: one deposit never places two orders."""
    deposit = await session.get(Deposit, deposit_id, with_for_update=True)
    if deposit is None:
        raise InvariantViolated(f"no deposit {deposit_id}")
    if deposit.order_id is None:
        deposit.order_id = order_id
    return deposit.order_id


async def held_deposits(
    session: AsyncSession, *, deposit_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Of these deposits, those the bank still holds for us (matched and not taken back): the
    only money an order may be priced and paid on. Read without a lock: a return settling now
    locks the order before it decides, so whichever commits first, the other sees it."""
    if not deposit_ids:
        return set()
    rows = await session.scalars(
        select(Deposit.id).where(
            Deposit.id.in_(deposit_ids), Deposit.status == DepositStatus.MATCHED.value
        )
    )
    return set(rows.all())


async def reopen_expectations(
    session: AsyncSession, *, deposit_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """The bank took these deposits back before their orders used them: each order waits for
    its money again (its expectation is open to the next credit). Returns those orders."""
    if not deposit_ids:
        return []
    rows = await session.scalars(
        update(DepositExpectation)
        .where(
            DepositExpectation.deposit_id.in_(deposit_ids),
            DepositExpectation.status == ExpectationStatus.FULFILLED.value,
        )
        .values(status=ExpectationStatus.OPEN.value, deposit_id=None)
        .returning(DepositExpectation.order_id)
    )
    return list(rows.all())


async def deposits_for_order(session: AsyncSession, *, order_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(Deposit).where(Deposit.order_id == order_id).order_by(Deposit.id)
    )
    return [opened_row(d) for d in rows]


async def sender_names(
    session: AsyncSession, *, deposit_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The senders' names of these deposits (for the deposit screen); opens sealed data."""
    if not deposit_ids:
        return {}
    rows = await session.scalars(select(Deposit).where(Deposit.id.in_(deposit_ids)))
    return {d.id: d.sender_name for d in rows if d.sender_name}


async def pseudonymise_senders(session: AsyncSession, *, order_ids: Sequence[uuid.UUID]) -> int:
    """After the retention period: drop the sender's name and IBAN from deposits, keeping the
    amounts, references and bookings that the ledger refers to."""
    if not order_ids:
        return 0
    result = await session.execute(
        update(Deposit)
        .where(Deposit.order_id.in_(order_ids), Deposit.sender_name.sealed_column.is_not(None))
        .values(
            {
                Deposit.sender_name.sealed_key: None,
                Deposit.sender_iban.sealed_key: None,
                Deposit.sender_iban.index_key: None,
            }
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
