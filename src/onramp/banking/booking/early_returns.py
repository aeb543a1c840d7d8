"""Credits whose return came first: the bank took the money back before it told us of the
credit (the return's webhook overtook the booking's, as vendors deliver out of order, or a
statement reported the return first).

The return, finding no deposit, was settled ``unknown`` against suspense (``Dr suspense``,
:mod:`onramp.banking.booking.returns`). When the credit arrives it is never matched: matching
holds it in suspense (``Cr suspense``: suspense nets to nothing) and, with the return's amount,
the deposit is ``returned`` and the reversal ``booked`` as returned from suspense, as if the
credit had come first and gone to suspense. Another amount stays in suspense for a person.

Two deposits workers may meet here: one settling the return (it finds no deposit, it is about
to settle it ``unknown``), the other matching the credit (it finds no return settled ``unknown``
yet, for the first has not committed): the credit would be matched and fund its order, the
return left in suspense. Neither row can order them (the credit may not be committed, or even
inserted, when the return looks for it), so both take a transaction-scoped advisory lock on
the name the return knows the credit by (``lock_credits``) before they look for the other:
settling on the name each reversal gives (its original booking reference, else its end-to-end
id), matching on both names of each credit. Whichever takes it first commits before the other
looks, and the other sees what it did.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.banking.models import Deposit, DepositReversal, DepositStatus, ReversalStatus
from onramp.core.audit import audit_row
from onramp.core.db import as_int

RETURNED_FIRST = "returned_before_booked"  # the deposit's unmatched reason
_NO_DEPOSIT = "no_deposit"  # how returns.py settles a reversal that found no deposit
# pg_advisory_xact_lock(namespace, key): this namespace is a credit's, by the name a return
# gives it (its booking reference or its end-to-end id, at its bank).
CREDIT_LOCK_NAMESPACE = 0x435254  # "CRT"


def _credit_key(bank: str, kind: str, name: str) -> int:
    return int.from_bytes(zlib.crc32(f"{kind}:{bank}:{name}".encode()).to_bytes(4), signed=True)


def named_credit(reversal: DepositReversal) -> int | None:
    """The lock key of the credit the reversal takes back, by the name it gives (None: it names
    none, and nothing can match it)."""
    if reversal.original_entry_id:
        return _credit_key(reversal.bank, "entry", reversal.original_entry_id)
    if reversal.end_to_end_id:
        return _credit_key(reversal.bank, "e2e", reversal.end_to_end_id)
    return None


async def credits_to_match(session: AsyncSession, deposit_ids: Sequence[uuid.UUID]) -> set[int]:
    """The lock keys of these deposits still to be matched: each by both names a return may
    give it."""
    rows = await session.execute(
        select(Deposit.bank, Deposit.bank_entry_id, Deposit.end_to_end_id).where(
            Deposit.id.in_(deposit_ids), Deposit.status == DepositStatus.RECEIVED.value
        )
    )
    keys = set()
    for bank, entry_id, end_to_end_id in rows.all():
        keys.add(_credit_key(bank, "entry", entry_id))
        if end_to_end_id:
            keys.add(_credit_key(bank, "e2e", end_to_end_id))
    return keys


async def lock_credits(session: AsyncSession, keys: Collection[int]) -> None:
    """Hold the credits' locks until the transaction ends, in one statement, in the order of
    their keys (``unnest`` yields an array in order), so two workers never wait in a cycle."""
    ordered = sorted(set(keys))
    if ordered:
        await session.execute(
            text("SELECT count(pg_advisory_xact_lock(:ns, k)) FROM unnest(CAST(:keys AS int[])) k"),
            {"ns": CREDIT_LOCK_NAMESPACE, "keys": ordered},
        )


def _names(reversal: DepositReversal, deposit: Deposit) -> bool:
    if deposit.bank != reversal.bank:
        return False
    if reversal.original_entry_id:
        return reversal.original_entry_id == deposit.bank_entry_id
    return reversal.end_to_end_id is not None and reversal.end_to_end_id == deposit.end_to_end_id


async def returned_before_booked(
    session: AsyncSession, deposits: Sequence[Deposit]
) -> dict[Deposit, DepositReversal]:
    """Of these received deposits, those a reversal settled for want of a deposit names (by
    booking reference, or by end-to-end id when it names none): each with its reversal, locked."""
    entries = [d.bank_entry_id for d in deposits]
    e2e = [d.end_to_end_id for d in deposits if d.end_to_end_id]
    rows = await session.scalars(
        select(DepositReversal)
        .where(
            DepositReversal.status == ReversalStatus.UNKNOWN.value,
            DepositReversal.outcome == _NO_DEPOSIT,
            DepositReversal.bank.in_({d.bank for d in deposits}),
            or_(
                DepositReversal.original_entry_id.in_(entries),
                and_(
                    DepositReversal.original_entry_id.is_(None),
                    DepositReversal.end_to_end_id.in_(e2e),
                ),
            ),
        )
        .order_by(DepositReversal.id)
        .with_for_update()
    )
    found: dict[Deposit, DepositReversal] = {}
    for reversal in rows.all():
        deposit = next((d for d in deposits if d not in found and _names(reversal, d)), None)
        if deposit is not None:
            found[deposit] = reversal
    return found


def settle_early_return(
    deposit: Deposit, reversal: DepositReversal, *, now: datetime
) -> list[dict[str, Any]]:
    """With the return's amount: the deposit returned, its reversal booked against it; the
    audit rows to write (none when the amounts differ: both stay in suspense for a person)."""
    if reversal.currency != deposit.currency or as_int(reversal.amount) != as_int(deposit.amount):
        return []
    deposit.status = DepositStatus.RETURNED.value
    deposit.returned_at = now
    reversal.status = ReversalStatus.BOOKED.value
    reversal.outcome = "returned_from_suspense"
    reversal.deposit_id = deposit.id
    data = {
        "reversal_id": str(reversal.id),
        "deposit_id": str(deposit.id),
        "outcome": reversal.outcome,
        "returned_before_booked": True,
    }
    return [
        audit_row(
            actor="system:deposits",
            action="deposit_reversal.booked",
            entity_type="deposit_reversal",
            entity_id=str(reversal.id),
            data=data,
        )
    ]
