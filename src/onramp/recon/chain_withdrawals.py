"""Chain ↔ withdrawals for customers' custodial (hosted) wallets: every USDC transfer out of a
hosted wallet the chain reader stored for the day (kind ``withdrawal``) against the withdrawal
that sent it (by transaction hash), and the day's confirmed withdrawals against the transfers.

The books do not hold hosted wallets' USDC (it is the customer's, on the chain), so a
withdrawal's record is the other side: a transfer with no withdrawal (USDC moved by the
operator key outside the withdrawals path) is ``missing_in_ledger``; a withdrawal the chain
does not show, once the reader has read past its confirmation, is ``missing_on_chain``
(``timing`` before); a transfer for another amount or destination is ``amount_mismatch``; a
second transfer in one withdrawal's transaction is ``duplicate``. One query per table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain import SentWithdrawal, withdrawals_by_tx, withdrawals_confirmed_between
from onramp.recon.bank import day_span
from onramp.recon.findings import Finding
from onramp.recon.models import BreakSource, BreakType, ChainEvent

USDC = "USDC"
WITHDRAWAL = "withdrawal"


def _ref(e: ChainEvent) -> str:
    return f"0x{bytes(e.tx_hash).hex()}:{e.log_index}"


def transfer_finding(
    e: ChainEvent, w: SentWithdrawal | None, seen: dict[bytes, ChainEvent]
) -> Finding | None:
    """The break one transfer out of a hosted wallet makes, if any."""
    sent = -int(e.amount)
    if w is None or w.wallet.lower() != e.wallet.lower():
        return Finding(BreakType.MISSING_IN_LEDGER, BreakSource.CHAIN, e.wallet, _ref(e), sent,
                       USDC, f"{sent} USDC (base units) left the hosted wallet {e.wallet} "
                       f"for {e.counterparty}; no withdrawal of the wallet sent it")  # fmt: skip
    first = seen.setdefault(bytes(e.tx_hash), e)
    if first is not e:
        return Finding(BreakType.DUPLICATE, BreakSource.CHAIN, e.wallet, _ref(e), sent, USDC,
                       f"withdrawal {w.id} moved USDC twice in one transaction (first "
                       f"{_ref(first)})")  # fmt: skip
    if sent != w.amount or e.counterparty.lower() != w.to.lower():
        return Finding(BreakType.AMOUNT_MISMATCH, BreakSource.CHAIN, e.wallet, _ref(e),
                       sent - w.amount, USDC, f"withdrawal {w.id} asked {w.amount} to {w.to}; "
                       f"the chain moved {sent} to {e.counterparty} (USDC base units)")  # fmt: skip
    return None


def unshown_finding(w: SentWithdrawal, known_until: datetime | None) -> Finding:
    read = known_until is not None and known_until >= w.updated_at
    kind = BreakType.MISSING_ON_CHAIN if read else BreakType.TIMING
    why = "no transfer out of the wallet in its transaction" if read else "not read yet"
    return Finding(kind, BreakSource.CHAIN, w.wallet, str(w.id), w.amount, USDC,
                   f"withdrawal {w.id} of {w.amount} USDC (base units) to {w.to}, confirmed "
                   f"{w.updated_at.isoformat()}: {why}")  # fmt: skip


async def withdrawal_findings(
    session: AsyncSession, events: Sequence[ChainEvent], day: date, known_until: datetime | None
) -> tuple[int, list[Finding]]:
    """How many of the day's hosted-wallet transfers a withdrawal explains, and the breaks."""
    transfers = [e for e in events if e.kind == WITHDRAWAL]
    start, end = day_span(day)
    confirmed = await withdrawals_confirmed_between(session, start, end)
    hashes = {bytes(e.tx_hash) for e in transfers}
    sent = await withdrawals_by_tx(session, sorted(hashes))
    matched, findings = 0, []
    seen: dict[bytes, ChainEvent] = {}
    for e in transfers:
        found = transfer_finding(e, sent.get(bytes(e.tx_hash)), seen)
        if found is None:
            matched += 1
        else:
            findings.append(found)
    shown = await _shown(session, [w.tx_hash for w in confirmed if w.tx_hash is not None])
    for w in confirmed:
        if w.tx_hash is None or w.tx_hash not in shown:
            findings.append(unshown_finding(w, known_until))
    return matched, findings


async def _shown(session: AsyncSession, hashes: list[bytes]) -> set[bytes]:
    """Which of these transactions some stored hosted-wallet transfer shows (any day)."""
    if not hashes:
        return set()
    rows = await session.scalars(
        select(ChainEvent.tx_hash).where(
            ChainEvent.kind == WITHDRAWAL, ChainEvent.tx_hash.in_(hashes)
        )
    )
    return {bytes(h) for h in rows}
