"""The reconciler: every stored transaction not yet final is settled by nonce, against the chain.

For one sending key, each round takes the nonces that still have a live stored transaction
(``signed`` or ``broadcast``), with every attempt stored at that nonce (fee-bumped copies and the
``replaced`` originals), and asks the chain which of those hashes was mined:

- the live attempt was mined: a ``signed`` one is marked ``broadcast`` (it reached the node
  after all); the confirmation watcher settles it;
- an earlier attempt was mined: the live one becomes ``replaced``, the mined one ``broadcast``,
  and what the live one carried (payouts ...) moves to the mined one;
- none was mined and the key's mined count is past the nonce: another transaction, not stored
  here, took it. The live attempt becomes ``superseded`` (an error is logged) and what it carried
  is handed back to its sender's rule (payouts: queued again as a new attempt);
- none was mined and the nonce is still free: the live attempt's stored bytes are sent again if
  it is ``signed`` or the node no longer knows it (dropped from the mempool, a node restart).

It runs each round of its sender's loop (not only at start), so a stored transaction whose send
timed out is sent again and the later ones stop waiting behind its nonce. Row changes are made
after the chain was read, under row locks, re-checking that nothing moved in between.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.client import ChainClient
from onramp.chain.errors import ChainRpcError, NonceTooLow
from onramp.chain.models import OPEN_TX, ChainTransaction, TxStatus
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.logging import get_logger

log = get_logger(__name__)


class StoredTxOwner(Protocol):
    """What the rows a sender's transactions carry (payouts, withdrawals, proposals) do when the
    reconciler settles one; each runs in the reconciler's database transaction."""

    async def sent(self, session: AsyncSession, tx: ChainTransaction) -> None:
        """``tx`` reached the node (it was ``signed``, it is now ``broadcast``)."""

    async def moved(self, session: AsyncSession, from_id: uuid.UUID, to: ChainTransaction) -> None:
        """Another attempt at the same nonce was mined: what ``from_id`` carried follows ``to``."""

    async def superseded(self, session: AsyncSession, tx: ChainTransaction) -> None:
        """``tx`` will never be mined: its nonce went to a transaction not stored here."""

    async def replaced(self, session: AsyncSession, from_id: uuid.UUID, to_id: uuid.UUID) -> None:
        """A fee-bumped copy ``to_id`` took over from ``from_id`` (or, the node refusing the
        copy, ``from_id`` is the copy and ``to_id`` the attempt live again)."""


class NoOwner:
    """Transactions that carry nothing else (gas top-ups); the base of the owners that care
    about some of these steps only."""

    async def sent(self, session: AsyncSession, tx: ChainTransaction) -> None:
        return None

    async def moved(self, session: AsyncSession, from_id: uuid.UUID, to: ChainTransaction) -> None:
        return None

    async def superseded(self, session: AsyncSession, tx: ChainTransaction) -> None:
        return None

    async def replaced(self, session: AsyncSession, from_id: uuid.UUID, to_id: uuid.UUID) -> None:
        return None


@dataclass
class Reconciled:
    sent: int = 0  # live attempts (re-)sent or found at the node
    moved: int = 0  # an earlier attempt was mined
    superseded: int = 0  # the nonce went to a transaction not stored here
    blocked: str | None = None  # why sending stopped this round (later nonces wait behind it)


class TxReconciler:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        client: ChainClient,
        sender: str,
        owner: StoredTxOwner | None = None,
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._sender = sender
        self._owner: StoredTxOwner = owner or NoOwner()

    async def reconcile(self, *, limit: int = 100) -> Reconciled:
        """One round over the sender's open nonces (at most ``limit``), lowest first."""
        out = Reconciled()
        groups = await self._open_nonces(limit)
        if not groups:
            return out
        # Read before the receipts: a nonce counted as used here and with no receipt for any
        # stored hash afterwards was used by another transaction.
        mined_count = await self._client.mined_nonce(self._sender)
        for nonce, attempts in groups:
            try:
                await self._settle_nonce(nonce, attempts, mined_count, out)
            except NonceTooLow:
                continue  # mined or taken in between: the next round sees which
            except ChainRpcError as exc:
                # Short of ether, refused ...: the later nonces cannot be mined before this one.
                log.warning(
                    "tx.resend_refused",
                    sender=self._sender,
                    nonce=nonce,
                    error=str(exc)[:300],
                    code=exc.code,
                )
                out.blocked = str(exc)[:300]
                break
        return out

    async def _open_nonces(self, limit: int) -> list[tuple[int, list[ChainTransaction]]]:
        async with unit_of_work(self._sessions) as session:
            open_nonces = (
                select(ChainTransaction.nonce)
                .where(
                    ChainTransaction.sender == self._sender, ChainTransaction.status.in_(OPEN_TX)
                )
                .order_by(ChainTransaction.nonce)
                .limit(limit)
            )
            rows = (
                await session.scalars(
                    select(ChainTransaction)
                    .where(
                        ChainTransaction.sender == self._sender,
                        ChainTransaction.nonce.in_(open_nonces.scalar_subquery()),
                    )
                    .order_by(ChainTransaction.nonce, ChainTransaction.created_at)
                )
            ).all()
        return [(n, list(g)) for n, g in itertools.groupby(rows, key=lambda t: t.nonce)]

    async def _settle_nonce(
        self,
        nonce: int,
        attempts: Sequence[ChainTransaction],
        mined_count: int,
        out: Reconciled,
    ) -> None:
        live = next((t for t in attempts if t.status in OPEN_TX), None)
        if live is None:
            return
        others = [t for t in attempts if t.id != live.id and t.status == TxStatus.REPLACED.value]
        for attempt in (live, *others):
            if await self._client.receipt(attempt.tx_hash) is None:
                continue
            if attempt.id == live.id:
                if live.status == TxStatus.SIGNED.value and await self._mark_sent(live):
                    out.sent += 1
            elif await self._move(live, attempt):
                out.moved += 1
            return
        if nonce < mined_count:
            for attempt in (live, *others):
                if await self._client.has_transaction(attempt.tx_hash):
                    return  # known to the node after all (a reorg in between): next round
            if await self._supersede(live):
                out.superseded += 1
            return
        if live.status == TxStatus.SIGNED.value or not await self._client.has_transaction(
            live.tx_hash
        ):
            log.info("tx.resend", sender=self._sender, nonce=nonce, status=live.status)
            await self._client.send_stored(live.raw, live.tx_hash)
            await self._mark_sent(live)
            out.sent += 1

    async def _locked(self, session: AsyncSession, nonce: int) -> dict[uuid.UUID, ChainTransaction]:
        rows = await session.scalars(
            select(ChainTransaction)
            .where(ChainTransaction.sender == self._sender, ChainTransaction.nonce == nonce)
            .order_by(ChainTransaction.id)
            .with_for_update()
        )
        return {t.id: t for t in rows}

    async def _mark_sent(self, live: ChainTransaction) -> bool:
        async with unit_of_work(self._sessions) as session:
            tx = (await self._locked(session, live.nonce)).get(live.id)
            if tx is None or tx.status not in OPEN_TX:
                return False
            if tx.status == TxStatus.SIGNED.value:
                tx.status = TxStatus.BROADCAST.value
            tx.broadcast_at = utcnow()
            await self._owner.sent(session, tx)
        return True

    async def _move(self, live: ChainTransaction, mined: ChainTransaction) -> bool:
        async with unit_of_work(self._sessions) as session:
            rows = await self._locked(session, live.nonce)
            now_live, now_mined = rows.get(live.id), rows.get(mined.id)
            if (
                now_live is None
                or now_mined is None
                or now_live.status not in OPEN_TX
                or now_mined.status != TxStatus.REPLACED.value
            ):
                return False  # the confirmation watcher (or another round) got there first
            log.warning(
                "tx.earlier_attempt_mined",
                sender=self._sender,
                nonce=live.nonce,
                mined="0x" + mined.tx_hash.hex(),
                live="0x" + live.tx_hash.hex(),
            )
            now_live.status = TxStatus.REPLACED.value
            await session.flush()  # first: one live transaction per nonce at every moment
            now_mined.status = TxStatus.BROADCAST.value
            now_mined.broadcast_at = now_mined.broadcast_at or utcnow()
            await session.flush()
            await self._owner.moved(session, live.id, now_mined)
        return True

    async def _supersede(self, live: ChainTransaction) -> bool:
        async with unit_of_work(self._sessions) as session:
            tx = (await self._locked(session, live.nonce)).get(live.id)
            if tx is None or tx.status not in OPEN_TX:
                return False
            log.error(
                "tx.superseded",
                sender=self._sender,
                nonce=tx.nonce,
                tx_hash="0x" + tx.tx_hash.hex(),
                detail="the nonce was used by a transaction not stored here",
            )
            tx.status = TxStatus.SUPERSEDED.value
            tx.failure = f"nonce {tx.nonce} used by a transaction not stored here"
            await session.flush()
            await self._owner.superseded(session, tx)
        return True
