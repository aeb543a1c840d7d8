"""Whose money is it: tying each received deposit to an order or a customer.

In order of trust, for a batch of deposits at once (a few statements per batch, not a query per
deposit):

1. the order's creditor reference, from the structured field or anywhere in the remittance
   text (:mod:`onramp.banking.references.reference_search`), exactly as issued;
2. a customer's standing reference, exactly as issued;
3. a reference one typo away from exactly one order still waiting for money (or one active
   standing reference): never a guess between two;
4. a verified bank account of exactly one customer, sending exactly what one of their orders
   asks for (the oldest such order, when several ask for the same amount).

What matches none of these is unmatched: the caller puts it in suspense.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking.models import (
    BankAccountStatus,
    CustomerBankAccount,
    Deposit,
    DepositExpectation,
    ExpectationStatus,
    MatchMethod,
    StandingReference,
)
from onramp.banking.references.reference_search import corrected_candidates, exact_candidates
from onramp.core.db import as_int


@dataclass(frozen=True)
class Resolution:
    method: MatchMethod
    expectation: DepositExpectation | None = None
    standing: StandingReference | None = None


def _exact_refs(deposit: Deposit) -> list[str]:
    refs = [deposit.creditor_reference] if deposit.creditor_reference else []
    return refs + [r for r in exact_candidates(deposit.reference_text) if r not in refs]


async def _expectations(
    session: AsyncSession, refs: set[str], *, open_only: bool = False
) -> dict[str, DepositExpectation]:
    if not refs:
        return {}
    query = select(DepositExpectation).where(DepositExpectation.creditor_reference.in_(refs))
    if open_only:
        query = query.where(DepositExpectation.status == ExpectationStatus.OPEN.value)
    rows = await session.scalars(
        query.order_by(DepositExpectation.creditor_reference).with_for_update()
    )
    return {e.creditor_reference: e for e in rows}


async def _standing(session: AsyncSession, refs: set[str]) -> dict[str, StandingReference]:
    if not refs:
        return {}
    rows = await session.scalars(
        select(StandingReference).where(StandingReference.creditor_reference.in_(refs))
    )
    return {s.creditor_reference: s for s in rows}


async def resolve(
    session: AsyncSession, deposits: Sequence[Deposit]
) -> dict[uuid.UUID, Resolution]:
    """What each deposit was meant for; deposits left out matched nothing."""
    out: dict[uuid.UUID, Resolution] = {}
    exact = {d.id: _exact_refs(d) for d in deposits}
    wanted = {r for refs in exact.values() for r in refs}
    expectations = await _expectations(session, wanted)
    standing = await _standing(session, wanted)
    for d in deposits:
        for ref in exact[d.id]:
            if ref in expectations:
                out[d.id] = Resolution(MatchMethod.REFERENCE, expectation=expectations[ref])
                break
            if ref in standing:
                out[d.id] = Resolution(MatchMethod.STANDING_REFERENCE, standing=standing[ref])
                break

    rest = [d for d in deposits if d.id not in out]
    corrected = {d.id: corrected_candidates(d.reference_text) for d in rest}
    wanted = {r for refs in corrected.values() for r in refs}
    open_expectations = await _expectations(session, wanted, open_only=True)
    active = {r: s for r, s in (await _standing(session, wanted)).items() if s.revoked_at is None}
    for d in rest:
        hits = [
            Resolution(MatchMethod.REFERENCE_CORRECTED, expectation=open_expectations[r])
            for r in corrected[d.id]
            if r in open_expectations
        ] + [
            Resolution(MatchMethod.REFERENCE_CORRECTED, standing=active[r])
            for r in corrected[d.id]
            if r in active
        ]
        if len(hits) == 1:
            out[d.id] = hits[0]

    rest = [d for d in rest if d.id not in out]
    out.update(await _by_sender_account(session, rest))
    return out


async def _by_sender_account(
    session: AsyncSession, deposits: Sequence[Deposit]
) -> dict[uuid.UUID, Resolution]:
    index_key = Deposit.sender_iban.index_key
    by_index = {d.id: getattr(d, index_key) for d in deposits if getattr(d, index_key)}
    if not by_index:
        return {}
    accounts = (
        await session.execute(
            select(
                CustomerBankAccount.account_number.index_column,
                CustomerBankAccount.customer_id,
            )
            .where(
                CustomerBankAccount.account_number.index_column.in_(set(by_index.values())),
                CustomerBankAccount.status == BankAccountStatus.VERIFIED.value,
            )
            .distinct()
        )
    ).all()
    owners: dict[bytes, set[uuid.UUID]] = {}
    for index, customer_id in accounts:
        owners.setdefault(bytes(index), set()).add(customer_id)
    # An account verified by two customers (a joint account) says nothing about which one paid.
    customer_of = {
        deposit_id: next(iter(owners[bytes(index)]))
        for deposit_id, index in by_index.items()
        if len(owners.get(bytes(index), ())) == 1
    }
    if not customer_of:
        return {}
    open_orders = await session.scalars(
        select(DepositExpectation)
        .where(
            DepositExpectation.customer_id.in_(set(customer_of.values())),
            DepositExpectation.status == ExpectationStatus.OPEN.value,
        )
        .order_by(DepositExpectation.created_at, DepositExpectation.creditor_reference)
        .with_for_update()
    )
    waiting: dict[tuple[uuid.UUID, int, str], list[DepositExpectation]] = {}
    for e in open_orders:
        waiting.setdefault((e.customer_id, as_int(e.amount), e.currency), []).append(e)
    out: dict[uuid.UUID, Resolution] = {}
    for d in sorted(deposits, key=lambda d: d.id):
        owner = customer_of.get(d.id)
        queue = waiting.get((owner, as_int(d.amount), d.currency)) if owner else None
        if queue:
            out[d.id] = Resolution(MatchMethod.SENDER_ACCOUNT, expectation=queue.pop(0))
    return out
