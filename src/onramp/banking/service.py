"""Deposit intake and matching.

Intake (the webhook request) stores each verified credit once per bank entry id and announces it;
matching (the deposits worker) pairs credits with what customers were told to send, by creditor
reference, and books them: a match credits the customer, anything else goes to ``suspense:<ccy>``
where it stays visible until an operator resolves it. Nothing is dropped.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import events
from onramp.banking.account_numbers import normalise_account_number
from onramp.banking.adapters.base import BankCredit, BankNotice
from onramp.banking.creditor_reference import (
    InvalidCreditorReference,
    normalize_creditor_reference,
)
from onramp.banking.customer_accounts import DEFAULT_HOLDER_NAME_MIN_SCORE, verify_by_deposit
from onramp.banking.models import (
    BankNotification,
    Deposit,
    DepositExpectation,
    DepositSource,
    DepositStatus,
    ExpectationStatus,
)
from onramp.banking.reversals import insert_reversals
from onramp.core.audit import audit_row, record_many
from onramp.core.clock import utcnow
from onramp.core.db import as_int
from onramp.core.events import CloudEvent
from onramp.core.ids import uuid7
from onramp.core.keys import opened_row
from onramp.core.money import Money
from onramp.core.outbox import emit_many, make_event
from onramp.ledger import (
    EntryDraft,
    bank_account,
    credit,
    customer_account,
    debit,
    entry,
    post_entries,
    suspense_account,
)


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
        "reference_text": credit.reference_text[:300],
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
    inserted = await session.execute(
        insert(Deposit)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["bank", "bank_entry_id"])
        .returning(Deposit.id)
    )
    new_ids = list(inserted.scalars().all())
    await emit_many(
        session,
        [
            make_event(
                events.DEPOSIT_RECEIVED,
                {"deposit_id": str(i)},
                source=events.SOURCE,
                entity_id=str(i),
            )
            for i in new_ids
        ],
    )
    return new_ids


async def match_deposits(
    session: AsyncSession,
    *,
    deposit_ids: Sequence[uuid.UUID],
    min_holder_score: float = DEFAULT_HOLDER_NAME_MIN_SCORE,
    now: datetime | None = None,
) -> None:
    """Match received deposits to expectations and book them, all in set-based statements; a
    matched deposit from one of the customer's saved accounts verifies that account."""
    deposits = (
        await session.scalars(
            select(Deposit)
            .where(Deposit.id.in_(deposit_ids), Deposit.status == DepositStatus.RECEIVED.value)
            .order_by(Deposit.id)
            .with_for_update()
        )
    ).all()
    if not deposits:
        return
    references = {d.creditor_reference for d in deposits if d.creditor_reference}
    expectations = {
        e.creditor_reference: e
        for e in (
            await session.scalars(
                select(DepositExpectation)
                .where(DepositExpectation.creditor_reference.in_(references))
                .order_by(DepositExpectation.creditor_reference)
                .with_for_update()
            )
        ).all()
    }
    drafts: list[EntryDraft] = []
    out: list[CloudEvent] = []
    audits = []
    for deposit in deposits:
        amount = Money(as_int(deposit.amount), deposit.currency)
        expected = expectations.get(deposit.creditor_reference or "")
        reason = _mismatch(expected, amount)
        bank = bank_account(deposit.bank, deposit.currency)
        if reason is None and expected is not None:
            expected.status = ExpectationStatus.FULFILLED.value
            expected.deposit_id = deposit.id
            deposit.status = DepositStatus.MATCHED.value
            deposit.order_id = expected.order_id
            liability = customer_account(expected.customer_id, deposit.currency)
            await verify_by_deposit(
                session,
                deposit=deposit,
                customer_id=expected.customer_id,
                min_holder_score=min_holder_score,
                now=now or utcnow(),
            )
            out.append(
                make_event(
                    events.DEPOSIT_MATCHED,
                    {
                        "deposit_id": str(deposit.id),
                        "order_id": str(expected.order_id),
                        "customer_id": str(expected.customer_id),
                        "amount": str(amount),
                        "currency": amount.currency,
                        "booked_at": deposit.booked_at.isoformat(),
                    },
                    source=events.SOURCE,
                    entity_id=str(deposit.id),
                    correlation_id=str(expected.order_id),
                )
            )
        else:
            deposit.status = DepositStatus.UNMATCHED.value
            deposit.unmatched_reason = reason
            liability = suspense_account(deposit.currency)
            out.append(
                make_event(
                    events.DEPOSIT_UNMATCHED,
                    {
                        "deposit_id": str(deposit.id),
                        "reason": reason,
                        "amount": str(amount),
                        "currency": amount.currency,
                        "reference": deposit.reference_text,
                    },
                    source=events.SOURCE,
                    entity_id=str(deposit.id),
                )
            )
        if amount.is_positive():
            drafts.append(
                entry("deposit", str(deposit.id), debit(bank, amount), credit(liability, amount))
            )
        audits.append(
            audit_row(
                actor="system:deposits",
                action=f"deposit.{deposit.status}",
                entity_type="deposit",
                entity_id=str(deposit.id),
                data={
                    "reason": reason,
                    "order_id": str(deposit.order_id) if deposit.order_id else None,
                },
            )
        )
    await post_entries(session, drafts)
    await session.flush()
    await emit_many(session, out)
    await record_many(session, audits)


def _mismatch(expected: DepositExpectation | None, amount: Money) -> str | None:
    """Why a deposit cannot be matched, or None when it can."""
    if not amount.is_positive():
        return "amount_not_positive"  # recorded and visible; nothing to book
    if expected is None:
        return "unknown_reference"
    if expected.status != ExpectationStatus.OPEN.value:
        return "reference_already_used"
    if expected.currency != amount.currency:
        return "currency_mismatch"
    if as_int(expected.amount) != amount.minor:
        return "amount_mismatch"
    return None


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
