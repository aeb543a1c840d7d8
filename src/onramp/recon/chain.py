"""Chain ↔ ledger for one day: the vault's ``Payout`` events the chain reader stored
(``recon/chain_reader.py``) whose blocks fall on the day, against the ledger's ``payout``
entries (by order id: the event's ``orderId`` is the order's id) and what each took off the
vault's ``chain:`` account; and the day's ``payout`` entries against the events. The
treasury's own movements are ``recon/chain_transfers.py``'s, customers' hosted wallets'
withdrawals ``recon/chain_withdrawals.py``'s.

One query per table: the day's events, the entries they name or that were posted that day, the
events those entries name (any day), and how far the reader has read.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.ledger import JournalEntry, LedgerAccount, Posting
from onramp.recon.bank import day_span, one_of
from onramp.recon.chain_balances import balance_findings
from onramp.recon.chain_transfers import transfer_findings, unshown_findings
from onramp.recon.chain_withdrawals import withdrawal_findings
from onramp.recon.findings import Finding
from onramp.recon.models import BreakSource, BreakType, ChainCursor, ChainEvent

PAYOUT_ENTRY = "payout"  # the entry the orders saga posts when a payout is confirmed
USDC = "USDC"


@dataclass
class ChainMatched:
    events: int = 0  # payouts and other movements the books hold
    amounts: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # paid out
    transfers: int = 0  # of ``events``: the treasury's own movements
    withdrawals: int = 0  # of ``events``: transfers out of hosted wallets a withdrawal sent

    def as_dict(self) -> dict[str, Any]:
        return {
            "events": self.events, "amounts": dict(self.amounts), "transfers": self.transfers,
            "withdrawals": self.withdrawals,
        }  # fmt: skip


@dataclass(frozen=True)
class LedgerPayout:
    order_id: str
    posted_at: datetime
    amount: int  # what the entry took off the chain account (positive)


def event_ref(e: ChainEvent) -> str:
    """A chain break's reference: the transaction's hash and the log's index in it."""
    return f"0x{bytes(e.tx_hash).hex()}:{e.log_index}"


async def _day_events(session: AsyncSession, day: date) -> list[ChainEvent]:
    start, end = day_span(day)
    rows = await session.scalars(
        select(ChainEvent)
        .where(ChainEvent.block_time >= start, ChainEvent.block_time < end)
        .order_by(ChainEvent.block_number, ChainEvent.log_index)
    )
    return list(rows.all())


async def _ledger_payouts(
    session: AsyncSession, order_ids: list[str], day: date
) -> dict[str, LedgerPayout]:
    start, end = day_span(day)
    named = one_of(JournalEntry.reference, order_ids) if order_ids else None
    posted = (JournalEntry.created_at >= start) & (JournalEntry.created_at < end)
    rows = await session.execute(
        select(JournalEntry.reference, JournalEntry.created_at, func.sum(Posting.amount))
        .join(Posting, Posting.entry_id == JournalEntry.id)
        .join(LedgerAccount, LedgerAccount.id == Posting.account_id)
        .where(
            JournalEntry.kind == PAYOUT_ENTRY,
            LedgerAccount.code.startswith("chain:"),
            or_(posted, named) if named is not None else posted,
        )
        .group_by(JournalEntry.reference, JournalEntry.created_at)
    )
    return {ref: LedgerPayout(ref, at, -int(total)) for ref, at, total in rows}


async def _paid_orders(session: AsyncSession, order_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these orders some stored ``Payout`` event pays, on any day."""
    if not order_ids:
        return set()
    rows = await session.scalars(
        select(ChainEvent.order_id).where(
            ChainEvent.kind == "payout", one_of(ChainEvent.order_id, order_ids)
        )
    )
    return {o for o in rows if o is not None}


async def read_up_to(session: AsyncSession) -> datetime | None:
    """The time of the block every stream has been read to: the chain is known until then."""
    return await session.scalar(select(func.min(ChainCursor.block_time)))


async def reconcile_chain(
    session: AsyncSession, day: date, now: datetime
) -> tuple[ChainMatched, list[Finding]]:
    events = await _day_events(session, day)
    payouts = [e for e in events if e.kind == "payout" and e.order_id is not None]
    ledger = await _ledger_payouts(session, [str(e.order_id) for e in payouts], day)
    unpaid = [uuid.UUID(ref) for ref in ledger if _is_uuid(ref)]
    paid = await _paid_orders(session, unpaid)
    known_until = await read_up_to(session)
    matched = ChainMatched()
    findings: list[Finding] = []
    seen: dict[uuid.UUID, ChainEvent] = {}
    for e in payouts:
        found = payout_findings(e, ledger.get(str(e.order_id)), seen)
        findings += found
        if not found:
            matched.events += 1
            matched.amounts[USDC] += -int(e.amount)
    for entry in ledger.values():
        if _is_uuid(entry.order_id) and uuid.UUID(entry.order_id) not in paid:
            findings.append(unpaid_finding(entry, known_until))
    matched.transfers, moved = await transfer_findings(session, events)
    matched.events += matched.transfers
    findings += moved
    findings += await unshown_findings(session, day, known_until)
    matched.withdrawals, unsent = await withdrawal_findings(session, events, day, known_until)
    matched.events += matched.withdrawals
    findings += unsent
    findings += await balance_findings(session, day, now)
    return matched, findings


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def payout_findings(
    e: ChainEvent, entry: LedgerPayout | None, seen: dict[uuid.UUID, ChainEvent]
) -> list[Finding]:
    paid = -int(e.amount)
    assert e.order_id is not None
    first = seen.setdefault(e.order_id, e)
    if first is not e:
        return [
            Finding(BreakType.DUPLICATE, BreakSource.CHAIN, e.wallet, event_ref(e), paid, USDC,
                    f"order {e.order_id} paid again on chain (first {event_ref(first)})")
        ]  # fmt: skip
    if entry is None:
        return [
            Finding(BreakType.MISSING_IN_LEDGER, BreakSource.CHAIN, e.wallet, event_ref(e), paid,
                    USDC, f"the vault paid {paid} USDC (base units) for order {e.order_id} to "
                    f"{e.counterparty}; the ledger has no payout entry for it")
        ]  # fmt: skip
    if entry.amount != paid:
        return [
            Finding(BreakType.AMOUNT_MISMATCH, BreakSource.CHAIN, e.wallet, event_ref(e),
                    paid - entry.amount, USDC,
                    f"the vault paid {paid} for order {e.order_id}, the ledger's payout entry "
                    f"took {entry.amount} off the chain account (USDC base units)")
        ]  # fmt: skip
    return []


def unpaid_finding(entry: LedgerPayout, known_until: datetime | None) -> Finding:
    """A payout entry no ``Payout`` event pays: missing on chain once the reader has read past
    the entry's time (before that, timing)."""
    if known_until is not None and known_until >= entry.posted_at:
        kind, why = BreakType.MISSING_ON_CHAIN, "no Payout event of the vault pays it"
    else:
        kind, why = BreakType.TIMING, "the chain reader has not read the blocks of its time yet"
    return Finding(kind, BreakSource.CHAIN, "vault", entry.order_id, entry.amount, USDC,
                   f"the ledger's payout entry for order {entry.order_id}: {why}")  # fmt: skip
