"""Chain ↔ ledger for the treasury's own movements: every USDC transfer, mint, burn and sweep of
a treasury wallet on the day, by transaction, against the entries that transaction explains on
the wallet's ``chain:`` account.

An entry names its transaction by its hash (``treasury_funding``: ``0x<hash>``), or through the
treasury's tables: a Safe proposal's entry (``treasury_rebalance``) names the Safe's
transaction hash, which ``rebalancing_proposals`` ties to the executed one; an issuer
operation's (``issuer_mint``, ``issuer_redeem``) names the operation, which
``issuer_operations`` ties to its transaction. Those two tables are read here by SQL: the
treasury is a sibling of recon, not below it. A payout's transfer is the payout's
(``recon/chain.py``). One query per table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.ledger import JournalEntry, LedgerAccount, Posting
from onramp.recon.bank import day_span
from onramp.recon.findings import Finding
from onramp.recon.models import BreakSource, BreakType, ChainEvent

USDC = "USDC"
MOVES = ("transfer", "mint", "burn")


def _hex(tx_hash: bytes) -> str:
    return "0x" + bytes(tx_hash).hex()


async def _references(session: AsyncSession, hashes: list[str]) -> dict[str, set[str]]:
    """The entry references that may explain each transaction: its hash, and what the
    treasury's tables tie to it."""
    found: dict[str, set[str]] = {h: {h} for h in hashes}
    rows = await session.execute(
        text(
            "SELECT '0x' || encode(exec_tx_hash, 'hex'), '0x' || encode(safe_tx_hash, 'hex') "
            "FROM rebalancing_proposals WHERE '0x' || encode(exec_tx_hash, 'hex') = ANY(:h) "
            "UNION ALL SELECT lower(tx_hash), id::text FROM issuer_operations "
            "WHERE lower(tx_hash) = ANY(:h)"
        ),
        {"h": hashes},
    )
    for tx, reference in rows:
        found[tx].add(reference)
    return found


async def _postings(session: AsyncSession, references: set[str]) -> dict[tuple[str, str], int]:
    """What the entries of these references put on each ``chain:`` account."""
    rows = await session.execute(
        select(JournalEntry.reference, LedgerAccount.code, func.sum(Posting.amount))
        .join(Posting, Posting.entry_id == JournalEntry.id)
        .join(LedgerAccount, LedgerAccount.id == Posting.account_id)
        .where(JournalEntry.reference.in_(references), LedgerAccount.code.startswith("chain:"))
        .group_by(JournalEntry.reference, LedgerAccount.code)
    )
    return {(reference, code): int(total) for reference, code, total in rows}


def moves(events: Sequence[ChainEvent]) -> dict[tuple[str, str], tuple[int, set[str]]]:
    """Each (transaction, wallet)'s net USDC and the kinds of its events, payouts' aside."""
    paying = {bytes(e.tx_hash) for e in events if e.kind == "payout"}
    net: dict[tuple[str, str], tuple[int, set[str]]] = {}
    sweeps = {bytes(e.tx_hash) for e in events if e.kind == "sweep"}
    for e in events:
        if e.kind not in MOVES or bytes(e.tx_hash) in paying:
            continue
        key = (_hex(e.tx_hash), e.wallet)
        amount, kinds = net.get(key, (0, set()))
        kinds.add("sweep" if bytes(e.tx_hash) in sweeps else e.kind)
        net[key] = (amount + int(e.amount), kinds)
    return net


async def transfer_findings(
    session: AsyncSession, events: Sequence[ChainEvent]
) -> tuple[int, list[Finding]]:
    """How many of the day's movements the books hold, and the breaks of the others."""
    net = moves(events)
    if not net:
        return 0, []
    references = await _references(session, sorted({tx for tx, _ in net}))
    posted = await _postings(session, {r for refs in references.values() for r in refs})
    by_tx: defaultdict[tuple[str, str], int] = defaultdict(int)
    for (reference, code), amount in posted.items():
        for tx, refs in references.items():
            if reference in refs:
                by_tx[(tx, code)] += amount
    matched, findings = 0, []
    for (tx, wallet), (amount, kinds) in sorted(net.items()):
        what = "/".join(sorted(kinds))
        held = by_tx.get((tx, f"chain:{wallet}:{USDC}"))
        if held is None:
            findings.append(
                Finding(BreakType.MISSING_IN_LEDGER, BreakSource.CHAIN, wallet, tx, amount, USDC,
                        f"a {what} of {amount} USDC (base units) on {wallet} with no entry on "
                        f"chain:{wallet}:{USDC}")
            )  # fmt: skip
        elif held != amount:
            findings.append(
                Finding(BreakType.AMOUNT_MISMATCH, BreakSource.CHAIN, wallet, tx, amount - held,
                        USDC, f"a {what} of {amount} on {wallet}; its entries put {held} on "
                        f"chain:{wallet}:{USDC} (USDC base units)")
            )  # fmt: skip
        else:
            matched += 1
    return matched, findings


TREASURY_ENTRIES = ("treasury_funding", "treasury_rebalance", "issuer_mint", "issuer_redeem")
TX_HASH_LENGTH = 66


@dataclass(frozen=True)
class Movement:
    """A treasury entry of the day: what it put on one wallet's ``chain:`` account."""

    reference: str
    wallet: str
    amount: int
    posted_at: datetime


async def _day_movements(session: AsyncSession, day: date) -> list[Movement]:
    start, end = day_span(day)
    rows = await session.execute(
        select(JournalEntry.reference, LedgerAccount.code, JournalEntry.created_at,
               func.sum(Posting.amount))
        .join(Posting, Posting.entry_id == JournalEntry.id)
        .join(LedgerAccount, LedgerAccount.id == Posting.account_id)
        .where(JournalEntry.kind.in_(TREASURY_ENTRIES), JournalEntry.created_at >= start,
               JournalEntry.created_at < end, LedgerAccount.code.startswith("chain:"))
        .group_by(JournalEntry.reference, LedgerAccount.code, JournalEntry.created_at)
    )  # fmt: skip
    return [Movement(ref, code.split(":")[1], int(total), at) for ref, code, at, total in rows]


async def _transactions(session: AsyncSession, references: list[str]) -> dict[str, str]:
    """The transaction each reference names: itself (a hash), or by the treasury's tables."""
    found = {r: r.lower() for r in references if len(r) == TX_HASH_LENGTH and r.startswith("0x")}
    rows = await session.execute(
        text(
            "SELECT '0x' || encode(safe_tx_hash, 'hex'), '0x' || encode(exec_tx_hash, 'hex') "
            "FROM rebalancing_proposals WHERE '0x' || encode(safe_tx_hash, 'hex') = ANY(:r) "
            "AND exec_tx_hash IS NOT NULL "
            "UNION ALL SELECT id::text, lower(tx_hash) FROM issuer_operations "
            "WHERE id::text = ANY(:r) AND tx_hash IS NOT NULL"
        ),
        {"r": references},
    )
    found.update({reference: tx for reference, tx in rows})
    return found


async def unshown_findings(
    session: AsyncSession, day: date, known_until: datetime | None
) -> list[Finding]:
    """The day's treasury entries whose transaction no stored event of the wallet shows:
    missing on chain once the reader has read past the entry's time (timing before)."""
    movements = await _day_movements(session, day)
    if not movements:
        return []
    txs = await _transactions(session, sorted({m.reference for m in movements}))
    hashes = [bytes.fromhex(tx[2:]) for tx in set(txs.values())]
    rows = await session.execute(
        select(ChainEvent.tx_hash, ChainEvent.wallet).where(ChainEvent.tx_hash.in_(hashes))
    )
    shown = {(_hex(h), wallet) for h, wallet in rows}
    findings = []
    for m in movements:
        tx = txs.get(m.reference)
        if tx is not None and (tx, m.wallet) in shown:
            continue
        read = known_until is not None and known_until >= m.posted_at
        kind = BreakType.MISSING_ON_CHAIN if read else BreakType.TIMING
        findings.append(
            Finding(kind, BreakSource.CHAIN, m.wallet, tx or m.reference, m.amount, USDC,
                    f"the ledger's entry {m.reference} put {m.amount} USDC (base units) on "
                    f"chain:{m.wallet}:{USDC}; no event of the wallet "
                    + ("shows its transaction" if read else "read yet (the reader is behind)"))
        )  # fmt: skip
    return findings
