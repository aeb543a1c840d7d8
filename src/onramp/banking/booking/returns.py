"""Settling reversals: a returned or reversed deposit is taken back out of the books.

A reversal names what it takes back by the original booking's reference (when the bank says)
or by the payment's end-to-end id. Its money left the bank account, so every reversal is booked
``Cr bank:<bank>:<ccy>``; the debit goes where the deposit was credited when that is still
true, and to ``suspense:<ccy>`` when it is not, for a person to resolve:

- an unmatched deposit (in suspense): ``Dr suspense``; the deposit is ``returned``.
- a matched deposit whose order paid nothing from it yet (its saga has not taken the money,
  it is in screening or review, or priced with its payout not yet signed, which is cancelled
  in this transaction): ``Dr customer:<id>:<ccy>``; the deposit is ``returned``. An order the
  saga had not reached waits for its money again (its expectation reopens); the others end
  as refunded by the bank, with a holding alert in the customer's case.
- a matched deposit whose order moved on (payout signed or sent, refunded): nothing is
  guessed. ``Dr suspense`` and a high alert in the customer's case; the reversal is ``review``.

The rule that keeps money from going out on a deposit the bank took back: the order's lock
orders the two. Settling locks the order before it decides; the saga locks the order and then
prices only on a deposit still ``matched`` (``held_deposits``). Whichever commits first, the
other sees it.
- no such deposit, several with that end-to-end id, another amount, or a deposit returned
  before: ``Dr suspense``, recorded as ``unknown``/``review`` and announced; never dropped.

Every settlement is audited and announced (``banking.deposit_returned``).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import events
from onramp.banking.booking.deposit_booking import match_deposits
from onramp.banking.booking.early_returns import lock_credits, named_credit
from onramp.banking.intake.service import reopen_expectations
from onramp.banking.models import (
    Deposit,
    DepositExpectation,
    DepositReversal,
    DepositStatus,
    ReversalStatus,
)
from onramp.compliance import AlertDraft, raise_alerts
from onramp.core import metrics
from onramp.core.audit import audit_row, record_many
from onramp.core.db import as_int
from onramp.core.events import CloudEvent
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

ACTOR = "system:deposits"


@dataclass(frozen=True)
class HeldFunds:
    """What the orders side says of the orders whose deposits the bank takes back."""

    unpaid: frozenset[uuid.UUID] = frozenset()  # nothing paid from the funds (none will be)
    awaiting: frozenset[uuid.UUID] = frozenset()  # of those, orders the saga has not reached


class OrderFunds(Protocol):
    async def take_back(self, session: AsyncSession, order_ids: Sequence[uuid.UUID]) -> HeldFunds:
        """Of these orders, those that paid nothing from their funds, locked until the
        caller's transaction ends; a payout not yet signed is cancelled in it."""
        ...


@dataclass(frozen=True)
class Settlement:
    booked: int = 0
    review: int = 0
    unknown: int = 0


@dataclass(frozen=True)
class _Decision:
    status: ReversalStatus
    outcome: str
    account: str
    deposit_returned: bool
    alert: AlertDraft | None = None


async def _originals(
    session: AsyncSession, reversals: Sequence[DepositReversal]
) -> dict[uuid.UUID, Deposit | str]:
    """Each reversal's deposit, or why there is none."""
    found: dict[uuid.UUID, Deposit | str] = {}
    for r in reversals:
        if r.original_entry_id:
            query = select(Deposit).where(
                Deposit.bank == r.bank, Deposit.bank_entry_id == r.original_entry_id
            )
        elif r.end_to_end_id:
            query = select(Deposit).where(
                Deposit.bank == r.bank, Deposit.end_to_end_id == r.end_to_end_id
            )
        else:
            found[r.id] = "no_reference"
            continue
        candidates = (await session.scalars(query.limit(2))).all()
        if len(candidates) == 1:
            found[r.id] = candidates[0]
        else:
            found[r.id] = "no_deposit" if not candidates else "ambiguous_end_to_end_id"
    return found


async def _lock_matched(
    session: AsyncSession, deposit_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Deposit]:
    """Match any still unmatched (so each has its booking), then lock them in id order."""
    await match_deposits(session, deposit_ids=deposit_ids)
    rows = await session.scalars(
        select(Deposit).where(Deposit.id.in_(deposit_ids)).order_by(Deposit.id).with_for_update()
    )
    return {d.id: d for d in rows}


def _alert(
    r: DepositReversal, d: Deposit, customer_id: uuid.UUID, *, hold: bool, reason: str
) -> AlertDraft:
    return AlertDraft(
        customer_id=customer_id,
        source="banking",
        kind="deposit_returned",
        severity="high",
        reason=reason,
        subject_type="deposit",
        subject_id=str(d.id),
        dedupe_key=f"banking:deposit_returned:{r.id}",
        hold=hold,
        order_id=d.order_id,
        evidence={
            "reversal_id": str(r.id),
            "bank_entry_id": r.bank_entry_id,
            "return_reason": r.return_reason,
            "amount": str(Money(as_int(r.amount), r.currency)),
            "currency": r.currency,
        },
    )


def _decide(
    r: DepositReversal,
    d: Deposit | str,
    customers: dict[uuid.UUID, uuid.UUID],
    held: HeldFunds,
) -> _Decision:
    suspense = suspense_account(r.currency)
    if isinstance(d, str):
        return _Decision(ReversalStatus.UNKNOWN, d, suspense, deposit_returned=False)
    if d.status == DepositStatus.RETURNED.value:
        return _Decision(ReversalStatus.REVIEW, "already_returned", suspense, False)
    if d.currency != r.currency or as_int(d.amount) != as_int(r.amount):
        return _Decision(ReversalStatus.REVIEW, "amount_mismatch", suspense, False)
    customer_id = customers.get(d.id)
    if d.status != DepositStatus.MATCHED.value:
        return _Decision(ReversalStatus.BOOKED, "returned_from_suspense", suspense, True)
    if customer_id is None:  # matched, yet no expectation names it: never debit a guess
        return _Decision(ReversalStatus.REVIEW, "customer_unknown", suspense, True)
    if d.order_id in held.unpaid:
        waits = d.order_id in held.awaiting
        reason = (
            "The bank took this deposit back before the order used it; it waits for funds."
            if waits
            else "The bank took this deposit back before the order was paid; do not approve it."
        )
        return _Decision(
            ReversalStatus.BOOKED,
            "returned_from_customer",
            customer_account(customer_id, d.currency),
            True,
            _alert(r, d, customer_id, hold=not waits, reason=reason),
        )
    reason = (
        "The bank took this deposit back after its order moved on (payout signed, paid out "
        "or refunded); the amount is in suspense until resolved."
    )
    return _Decision(
        ReversalStatus.REVIEW,
        "order_moved_on",
        suspense,
        True,
        _alert(r, d, customer_id, hold=False, reason=reason),
    )


@dataclass(frozen=True)
class _Context:
    """What deciding a batch of reversals needs: their deposits (locked), whose they are, and
    which of their orders paid nothing from them."""

    deposits: dict[uuid.UUID, Deposit | str]
    customers: dict[uuid.UUID, uuid.UUID]
    held: HeldFunds


@dataclass(frozen=True)
class _Settled:
    """One reversal's share of the batch's writes."""

    status: ReversalStatus
    draft: EntryDraft
    event: CloudEvent
    audit: dict[str, Any]
    alert: AlertDraft | None
    reopen: uuid.UUID | None


async def _lock_received(
    session: AsyncSession, reversal_ids: Sequence[uuid.UUID]
) -> Sequence[DepositReversal]:
    return (
        await session.scalars(
            select(DepositReversal)
            .where(
                DepositReversal.id.in_(reversal_ids),
                DepositReversal.status == ReversalStatus.RECEIVED.value,
            )
            .order_by(DepositReversal.id)
            .with_for_update()
        )
    ).all()


async def _load_context(
    session: AsyncSession, reversals: Sequence[DepositReversal], order_funds: OrderFunds | None
) -> _Context:
    originals = await _originals(session, reversals)
    locked = await _lock_matched(
        session, sorted({d.id for d in originals.values() if isinstance(d, Deposit)})
    )
    deposits = {
        rid: locked.get(d.id, d) if isinstance(d, Deposit) else d for rid, d in originals.items()
    }
    customers = await _customers(session, [d for d in locked.values() if d.order_id])
    order_ids = sorted({d.order_id for d in locked.values() if d.order_id})
    held = (
        await order_funds.take_back(session, order_ids)
        if order_funds and order_ids
        else HeldFunds()
    )
    return _Context(deposits, customers, held)


def _settle_one(r: DepositReversal, context: _Context, now: datetime) -> _Settled:
    """Decide the reversal, mark it and its deposit, and draft its posting, event and audit."""
    d = context.deposits[r.id]
    decision = _decide(r, d, context.customers, context.held)
    amount = Money(as_int(r.amount), r.currency)
    draft = entry(
        "deposit_reversal",
        str(r.id),
        debit(decision.account, amount),
        credit(bank_account(r.bank, r.currency), amount),
    )
    deposit = d if isinstance(d, Deposit) else None
    reopen = None
    if deposit is not None and decision.deposit_returned:
        deposit.status = DepositStatus.RETURNED.value
        deposit.returned_at = now
        if decision.status is ReversalStatus.BOOKED and deposit.order_id in context.held.awaiting:
            reopen = deposit.id
    r.status = decision.status.value
    r.outcome = decision.outcome
    r.debited_account = decision.account
    r.deposit_id = deposit.id if deposit else None
    r.settled_at = now
    data = {
        "reversal_id": str(r.id),
        "deposit_id": str(deposit.id) if deposit else None,
        "order_id": str(deposit.order_id) if deposit and deposit.order_id else None,
        "status": decision.status.value,
        "outcome": decision.outcome,
        "debited_account": decision.account,
        "amount": str(amount),
        "currency": amount.currency,
        "return_reason": r.return_reason,
        "bank_entry_id": r.bank_entry_id,
    }
    event = make_event(
        events.DEPOSIT_RETURNED,
        data,
        source=events.SOURCE,
        entity_id=str(r.id),
        correlation_id=data["order_id"] or str(r.id),
    )
    audit = audit_row(
        actor=ACTOR,
        action=f"deposit_reversal.{decision.status.value}",
        entity_type="deposit_reversal",
        entity_id=str(r.id),
        data=data,
    )
    return _Settled(decision.status, draft, event, audit, decision.alert, reopen)


async def _write(session: AsyncSession, settled: Sequence[_Settled], now: datetime) -> None:
    """The batch's postings, reopened expectations, events, audit rows and alerts."""
    await post_entries(session, [s.draft for s in settled])
    await session.flush()
    await reopen_expectations(
        session, deposit_ids=[s.reopen for s in settled if s.reopen is not None]
    )
    await emit_many(session, [s.event for s in settled])
    await record_many(session, [s.audit for s in settled])
    alerts = [s.alert for s in settled if s.alert is not None]
    if alerts:
        await raise_alerts(session, alerts, now=now, actor=ACTOR)


async def settle_reversals(
    session: AsyncSession,
    *,
    reversal_ids: Sequence[uuid.UUID],
    order_funds: OrderFunds | None,
    now: datetime,
) -> Settlement:
    """Settle received reversals (others are left alone: settling is idempotent)."""
    reversals = await _lock_received(session, reversal_ids)
    if not reversals:
        return Settlement()
    # Before their deposits are looked for: a credit being matched now elsewhere is seen.
    await lock_credits(session, {k for r in reversals if (k := named_credit(r)) is not None})
    context = await _load_context(session, reversals, order_funds)
    settled = [_settle_one(r, context, now) for r in reversals]
    await _write(session, settled, now)
    metrics.deposits_returned([s.status.value for s in settled])
    counts = Counter(s.status for s in settled)
    return Settlement(
        booked=counts[ReversalStatus.BOOKED],
        review=counts[ReversalStatus.REVIEW],
        unknown=counts[ReversalStatus.UNKNOWN],
    )


async def _customers(
    session: AsyncSession, deposits: Sequence[Deposit]
) -> dict[uuid.UUID, uuid.UUID]:
    """The customer each matched deposit was credited to (from what they were told to send)."""
    if not deposits:
        return {}
    rows = await session.execute(
        select(DepositExpectation.deposit_id, DepositExpectation.customer_id).where(
            DepositExpectation.deposit_id.in_([d.id for d in deposits])
        )
    )
    return {deposit_id: customer_id for deposit_id, customer_id in rows.all() if deposit_id}
