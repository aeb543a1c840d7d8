"""Matching received deposits and booking them.

Matching (the deposits worker) ties credits to orders or customers
(:mod:`onramp.banking.booking.matching`), applies the operator's rules to amounts that differ or
come late (:mod:`onramp.banking.booking.payment_rules`) and books them: a customer's money credits
the customer, anything else goes to ``suspense:<ccy>`` where it stays visible until an operator
resolves it.
Nothing is dropped.

A credit the bank took back before it told us of the credit (the return's webhook overtook the
booking's: vendors deliver out of order) is never matched
(:mod:`onramp.banking.booking.early_returns`): the order it was for waits for its money.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking import events
from onramp.banking.accounts.customer_accounts import (
    DEFAULT_HOLDER_NAME_MIN_SCORE,
    verify_by_deposit,
)
from onramp.banking.booking.early_returns import (
    RETURNED_FIRST,
    credits_to_match,
    lock_credits,
    returned_before_booked,
    settle_early_return,
)
from onramp.banking.booking.matching import Resolution, resolve
from onramp.banking.booking.payment_rules import Action, PaymentRules, decide_late, decide_open
from onramp.banking.models import Deposit, DepositStatus, ExpectationStatus, MatchMethod
from onramp.banking.refund_models import RefundReason
from onramp.banking.refunding.service import request_refund
from onramp.core import metrics
from onramp.core.audit import audit_row, record_many
from onramp.core.clock import utcnow
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

DEFAULT_RULES = PaymentRules()


async def _lock_received(
    session: AsyncSession, deposit_ids: Sequence[uuid.UUID]
) -> Sequence[Deposit]:
    return (
        await session.scalars(
            select(Deposit)
            .where(Deposit.id.in_(deposit_ids), Deposit.status == DepositStatus.RECEIVED.value)
            .order_by(Deposit.id)
            .with_for_update()
        )
    ).all()


def _book_deposit(
    booked: _Bookings, deposit: Deposit, resolution: Resolution | None, rules: PaymentRules
) -> None:
    """Match the deposit to whom it resolved to, or hold it in suspense with the reason."""
    amount = Money(as_int(deposit.amount), deposit.currency)
    if not amount.is_positive():
        booked.hold(deposit, amount, "amount_not_positive")  # recorded and visible
    elif resolution is None:
        booked.hold(deposit, amount, "unknown_reference")
    elif resolution.standing is not None:
        standing = resolution.standing
        if standing.revoked_at is not None:
            booked.hold(deposit, amount, "standing_reference_revoked")
        else:
            booked.match(
                deposit,
                amount,
                customer_id=standing.customer_id,
                method=resolution.method,
                auto_order={
                    "origin": "standing_reference",
                    "destination": standing.destination_address,
                },
            )
    else:
        assert resolution.expectation is not None
        _apply_rules(booked, deposit, amount, resolution, rules)


async def _write_bookings(
    session: AsyncSession, booked: _Bookings, *, min_holder_score: float, now: datetime | None
) -> None:
    """Verify the customers' accounts, then the batch's postings, events and audit rows."""
    for deposit, customer_id in booked.customers:
        await verify_by_deposit(
            session,
            deposit=deposit,
            customer_id=customer_id,
            min_holder_score=min_holder_score,
            now=now or utcnow(),
        )
    await post_entries(session, booked.drafts)
    await session.flush()
    await emit_many(session, booked.events)
    await record_many(session, booked.audits)


async def _request_refunds(
    session: AsyncSession, booked: _Bookings, *, now: datetime | None
) -> None:
    # After the bookings: a refund debits the customer's account the deposit was credited to.
    for deposit, amount, reason, order_id in booked.refunds:
        await request_refund(
            session,
            deposit_id=deposit.id,
            amount=amount,
            reason=reason,
            actor="system:deposits",
            order_id=order_id,
            now=now or utcnow(),
        )


async def match_deposits(
    session: AsyncSession,
    *,
    deposit_ids: Sequence[uuid.UUID],
    min_holder_score: float = DEFAULT_HOLDER_NAME_MIN_SCORE,
    rules: PaymentRules = DEFAULT_RULES,
    now: datetime | None = None,
) -> None:
    """Tie received deposits to orders or customers (:mod:`onramp.banking.booking.matching`),
    apply the operator's rules to amounts that differ or arrive late
    (:mod:`onramp.banking.booking.payment_rules`) and book them, set-based: a customer's money on
    their account, anything else in ``suspense:<ccy>``. A deposit from one of the customer's saved
    accounts verifies it."""
    # Before anything is read: a return of one of them settled now elsewhere is seen.
    await lock_credits(session, await credits_to_match(session, deposit_ids))
    deposits = await _lock_received(session, deposit_ids)
    if not deposits:
        return
    booked = _Bookings()
    returned = await returned_before_booked(session, deposits)
    for deposit, reversal in returned.items():
        # Into suspense, where its return took the money out already: suspense nets to nothing.
        booked.hold(deposit, Money(as_int(deposit.amount), deposit.currency), RETURNED_FIRST)
        booked.audits.extend(settle_early_return(deposit, reversal, now=now or utcnow()))
    deposits = [d for d in deposits if d not in returned]
    resolutions = await resolve(session, deposits)
    for deposit in deposits:
        _book_deposit(booked, deposit, resolutions.get(deposit.id), rules)
    await _write_bookings(session, booked, min_holder_score=min_holder_score, now=now)
    await _request_refunds(session, booked, now=now)
    metrics.deposits_booked(
        [d.match_method or "-" for d in deposits if d.status == DepositStatus.MATCHED.value],
        [d.unmatched_reason or "-" for d in deposits if d.status == DepositStatus.UNMATCHED.value],
    )


def _apply_rules(
    booked: _Bookings,
    deposit: Deposit,
    amount: Money,
    resolution: Resolution,
    rules: PaymentRules,
) -> None:
    expectation = resolution.expectation
    assert expectation is not None
    expected = Money(as_int(expectation.amount), expectation.currency)
    order_id = expectation.order_id
    if expectation.status == ExpectationStatus.FULFILLED.value:
        booked.hold(deposit, amount, "reference_already_used", suggested=order_id)
        return
    late = expectation.status == ExpectationStatus.EXPIRED.value
    decision = (
        decide_late(rules, expected=expected, received=amount)
        if late
        else decide_open(rules, expected=expected, received=amount)
    )
    if decision.action is Action.MATCH:
        assert decision.applied is not None
        expectation.status = ExpectationStatus.FULFILLED.value
        expectation.deposit_id = deposit.id
        booked.match(
            deposit,
            amount,
            customer_id=expectation.customer_id,
            method=resolution.method,
            order_id=order_id,
            applied=decision.applied,
            rule=decision.reason,
        )
        if decision.refund is not None and deposit.sender_iban:
            booked.refunds.append((deposit, decision.refund, RefundReason.EXCESS, order_id))
    elif decision.action is Action.NEW_ORDER:
        booked.match(
            deposit,
            amount,
            customer_id=expectation.customer_id,
            method=resolution.method,
            auto_order={"origin": "late_payment", "replaces": str(order_id)},
            rule=decision.reason,
        )
    elif decision.action is Action.REFUND and deposit.sender_iban:
        # The customer's money, for an order that no longer wants it: all of it goes back.
        booked.match(
            deposit,
            amount,
            customer_id=expectation.customer_id,
            method=resolution.method,
            rule=decision.reason,
            announce=False,
        )
        deposit.suggested_order_id = order_id
        booked.refunds.append((deposit, amount, RefundReason.LATE_PAYMENT, order_id))
    else:
        # Held by the rules, or a refund with no account to send it to: a person decides.
        booked.hold(deposit, amount, decision.reason or "held", suggested=order_id)


@dataclass
class _Bookings:
    """What one matching batch writes: ledger entries, events, audit rows."""

    drafts: list[EntryDraft] = field(default_factory=list)
    events: list[CloudEvent] = field(default_factory=list)
    audits: list[dict[str, Any]] = field(default_factory=list)
    customers: list[tuple[Deposit, uuid.UUID]] = field(default_factory=list)
    refunds: list[tuple[Deposit, Money, RefundReason, uuid.UUID | None]] = field(
        default_factory=list
    )

    def _book(self, deposit: Deposit, amount: Money, liability: str) -> None:
        if amount.is_positive():
            bank = bank_account(deposit.bank, deposit.currency)
            self.drafts.append(
                entry("deposit", str(deposit.id), debit(bank, amount), credit(liability, amount))
            )

    def _audit(self, deposit: Deposit, **data: Any) -> None:
        self.audits.append(
            audit_row(
                actor="system:deposits",
                action=f"deposit.{deposit.status}",
                entity_type="deposit",
                entity_id=str(deposit.id),
                data=data,
            )
        )

    def match(
        self,
        deposit: Deposit,
        amount: Money,
        *,
        customer_id: uuid.UUID,
        method: MatchMethod,
        order_id: uuid.UUID | None = None,
        applied: Money | None = None,
        rule: str | None = None,
        auto_order: dict[str, str] | None = None,
        announce: bool = True,
    ) -> None:
        """Book the deposit to the customer; ``announce``: tell the orders saga (there is an
        order to fund, or one to place)."""
        deposit.status = DepositStatus.MATCHED.value
        deposit.order_id = order_id
        deposit.customer_id = customer_id
        deposit.match_method = method.value
        self._book(deposit, amount, customer_account(customer_id, deposit.currency))
        self.customers.append((deposit, customer_id))
        funds = applied or amount
        if not announce:
            self._audit(deposit, match_method=method.value, rule=rule, applied=None)
            return
        self.events.append(
            make_event(
                events.DEPOSIT_MATCHED,
                {
                    "deposit_id": str(deposit.id),
                    "order_id": str(order_id) if order_id else None,
                    "customer_id": str(customer_id),
                    "amount": str(funds),
                    "currency": funds.currency,
                    "received": str(amount),
                    "booked_at": deposit.booked_at.isoformat(),
                    "match_method": method.value,
                    "rule": rule,
                    "auto_order": auto_order,
                },
                source=events.SOURCE,
                entity_id=str(deposit.id),
                correlation_id=str(order_id) if order_id else None,
            )
        )
        self._audit(
            deposit,
            order_id=str(order_id) if order_id else None,
            match_method=method.value,
            rule=rule,
            applied=str(funds),
            auto_order=auto_order,
        )

    def hold(
        self,
        deposit: Deposit,
        amount: Money,
        reason: str,
        *,
        suggested: uuid.UUID | None = None,
    ) -> None:
        deposit.status = DepositStatus.UNMATCHED.value
        deposit.unmatched_reason = reason
        deposit.suggested_order_id = suggested
        self._book(deposit, amount, suspense_account(deposit.currency))
        self.events.append(
            make_event(
                events.DEPOSIT_UNMATCHED,
                {
                    "deposit_id": str(deposit.id),
                    "reason": reason,
                    "amount": str(amount),
                    "currency": amount.currency,
                    "reference": deposit.reference_text,
                    "suggested_order_id": str(suggested) if suggested else None,
                },
                source=events.SOURCE,
                entity_id=str(deposit.id),
            )
        )
        self._audit(
            deposit, reason=reason, suggested_order_id=str(suggested) if suggested else None
        )
