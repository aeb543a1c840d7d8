"""Posting to the ledger: set-based, idempotent per (kind, reference), deadlock-free.

Entries of a batch are written with a handful of statements whatever the batch size: accounts
are created on demand, locked in id order (so concurrent batches touching the same hot accounts
queue instead of deadlocking), the entries inserted with ``ON CONFLICT DO NOTHING`` (a replayed
cause posts nothing twice), then all their postings in one INSERT and all balance changes in one
UPDATE.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.db import as_int
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.ledger.accounts import parse_account_code
from onramp.ledger.errors import AccountNotFound, UnbalancedEntry
from onramp.ledger.models import JournalEntry, LedgerAccount, Posting


@dataclass(frozen=True, slots=True)
class Leg:
    """One side of an entry: a positive amount debits the account, a negative one credits it."""

    account: str
    amount: Money


def debit(account: str, amount: Money) -> Leg:
    if not amount.is_positive():
        raise UnbalancedEntry(f"debit of {amount} to {account} is not positive")
    return Leg(account, amount)


def credit(account: str, amount: Money) -> Leg:
    if not amount.is_positive():
        raise UnbalancedEntry(f"credit of {amount} to {account} is not positive")
    return Leg(account, -amount)


@dataclass(frozen=True, slots=True)
class EntryDraft:
    kind: str
    reference: str
    legs: tuple[Leg, ...]

    def check(self) -> None:
        if len(self.legs) < 2:
            raise UnbalancedEntry(f"{self.kind} {self.reference}: an entry needs two legs")
        sums: dict[str, int] = defaultdict(int)
        for leg in self.legs:
            _, account_currency = parse_account_code(leg.account)
            if account_currency != leg.amount.currency:
                raise UnbalancedEntry(
                    f"{leg.account} holds {account_currency}, not {leg.amount.currency}"
                )
            if leg.amount.is_zero():
                raise UnbalancedEntry(f"zero posting to {leg.account}")
            sums[leg.amount.currency] += leg.amount.minor
        unbalanced = {ccy: total for ccy, total in sums.items() if total != 0}
        if unbalanced:
            raise UnbalancedEntry(f"{self.kind} {self.reference} is off by {unbalanced}")


def entry(kind: str, reference: str, *legs: Leg) -> EntryDraft:
    return EntryDraft(kind=kind, reference=reference, legs=tuple(legs))


async def _lock_accounts(session: AsyncSession, codes: Iterable[str]) -> dict[str, uuid.UUID]:
    wanted = sorted(set(codes))
    rows = []
    for code in wanted:
        kind, currency = parse_account_code(code)
        rows.append({"id": uuid7(), "code": code, "kind": kind.value, "currency": currency})
    await session.execute(
        insert(LedgerAccount).values(rows).on_conflict_do_nothing(index_elements=["code"])
    )
    found = await session.execute(
        select(LedgerAccount.id, LedgerAccount.code)
        .where(LedgerAccount.code.in_(wanted))
        .order_by(LedgerAccount.id)
        .with_for_update()
    )
    return {code: account_id for account_id, code in found.all()}


async def post_entries(session: AsyncSession, drafts: Sequence[EntryDraft]) -> list[uuid.UUID]:
    """Write the entries not written before; return the ids of those written now."""
    if not drafts:
        return []
    for draft in drafts:
        draft.check()
    accounts = await _lock_accounts(session, (leg.account for d in drafts for leg in d.legs))
    candidates = {(d.kind, d.reference): (uuid7(), d) for d in drafts}
    inserted = await session.execute(
        insert(JournalEntry)
        .values([{"id": eid, "kind": k, "reference": r} for (k, r), (eid, _) in candidates.items()])
        .on_conflict_do_nothing(index_elements=["kind", "reference"])
        .returning(JournalEntry.id)
    )
    new_ids = set(inserted.scalars().all())
    postings: list[dict[str, object]] = []
    deltas: dict[uuid.UUID, int] = defaultdict(int)
    for entry_id, draft in candidates.values():
        if entry_id not in new_ids:
            continue
        for leg in draft.legs:
            account_id = accounts[leg.account]
            postings.append(
                {
                    "entry_id": entry_id,
                    "account_id": account_id,
                    "currency": leg.amount.currency,
                    "amount": leg.amount.minor,
                }
            )
            deltas[account_id] += leg.amount.minor
    if postings:
        # One statement: the database checks each entry balances at the end of the statement.
        await session.execute(insert(Posting).values(postings))
        ordered = sorted(deltas)
        await session.execute(
            text(
                "UPDATE ledger_accounts AS a SET balance = a.balance + d.delta "
                "FROM unnest(CAST(:ids AS uuid[]), CAST(:deltas AS numeric[])) AS d(id, delta) "
                "WHERE a.id = d.id"
            ),
            {"ids": ordered, "deltas": [deltas[i] for i in ordered]},
        )
    return [eid for eid, _ in candidates.values() if eid in new_ids]


async def post_entry(session: AsyncSession, draft: EntryDraft) -> uuid.UUID | None:
    ids = await post_entries(session, [draft])
    return ids[0] if ids else None


async def balance_of(session: AsyncSession, account: str) -> Money:
    _, currency = parse_account_code(account)
    value = await session.scalar(select(LedgerAccount.balance).where(LedgerAccount.code == account))
    return Money(as_int(value) if value is not None else 0, currency)


async def require_account(session: AsyncSession, account: str) -> uuid.UUID:
    account_id = await session.scalar(select(LedgerAccount.id).where(LedgerAccount.code == account))
    if account_id is None:
        raise AccountNotFound(f"no ledger account {account}")
    return account_id


async def balances_of_class(session: AsyncSession, account_class: str) -> list[tuple[str, Money]]:
    """(code, balance) of every account whose code starts with ``<account_class>:``, by code.
    Balances are debit-positive: an asset's holding, a liability's negative."""
    rows = await session.execute(
        select(LedgerAccount.code, LedgerAccount.balance, LedgerAccount.currency)
        .where(LedgerAccount.code.startswith(f"{account_class}:"))
        .order_by(LedgerAccount.code)
    )
    return [(code, Money(as_int(balance), ccy)) for code, balance, ccy in rows]
