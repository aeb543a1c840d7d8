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

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.ledger import JournalEntry, LedgerAccount, Posting
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
