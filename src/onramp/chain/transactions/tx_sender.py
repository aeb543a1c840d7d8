"""One sending key's transactions, from nonce to node: every transaction onramp sends (payouts,
withdrawals, the treasury's Safe executions and their cancels, gas top-ups, the guardian's vault
switches) is taken through here.

- **Store before broadcast**: ``store`` leases the key's next nonces (``nonces``), signs each
  call (in the HSM) and adds the rows as ``signed`` to the caller's database transaction, so they
  commit with what the caller records about them and before anything reaches the node. ``send``
  sends the stored bytes and only then marks them ``broadcast``. A crash anywhere in between
  loses nothing: the reconciler (``tx_reconciler``) re-sends stored bytes by nonce.
- **Replace**: a copy at the same nonce with fees raised per the ``FeePolicy``, never above its
  cap, stored (the old attempt ``replaced``) before it is sent; one live transaction per
  (sender, nonce) at every moment. A copy the node refuses is undone: the old attempt is live
  again.
- **Re-send**: ``reconcile`` settles every open stored transaction by nonce; ``rebroadcast_stale``
  sends broadcast ones again, byte for byte, when the node may have dropped them.

The node is never asked while the caller's row locks are held, except where the caller chooses
to: ``store`` makes no node call when given the pending nonce, ``replacement_fees`` is the only
node call a replacement needs and is made before ``store_replacement``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from eth_account.typed_transactions.typed_transaction import TypedTransaction
from hexbytes import HexBytes
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.client import ChainClient
from onramp.chain.errors import AlreadyKnown, InsufficientFunds, NonceTooLow, ReplacementUnderpriced
from onramp.chain.models import ChainTransaction, TxStatus
from onramp.chain.signing.signer import SignedTx, Signer
from onramp.chain.transactions.fees import FeePolicy, replacement_fees
from onramp.chain.transactions.nonces import next_nonce
from onramp.chain.transactions.tx_reconciler import NoOwner, Reconciled, StoredTxOwner, TxReconciler
from onramp.core import metrics
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.faults import SEND_BEFORE_STORE, broken, crash_point
from onramp.core.ids import uuid7
from onramp.core.leases import Fence
from onramp.core.logging import get_logger
from onramp.core.tracing import traced

log = get_logger(__name__)

# What a node answers when it will not take a fee-bumped copy: the old attempt stays live.
REPLACEMENT_REFUSED = (ReplacementUnderpriced, NonceTooLow, InsufficientFunds)


@dataclass(frozen=True)
class Call:
    """What one transaction does; the sender adds the nonce and the fees."""

    to: str
    gas: int
    data: bytes = b""
    value: int = 0


def _hex(tx_hash: bytes) -> str:
    return "0x" + tx_hash.hex()


class TransactionSender:
    """The transactions of one key (``signer``). ``owner`` is what the rows its transactions
    carry do when one is sent, replaced or settled; ``name`` prefixes its crash points
    (``<name>.after_nonce``, ``<name>.after_send``)."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        client: ChainClient,
        signer: Signer,
        chain_id: int,
        fees: FeePolicy | None = None,
        owner: StoredTxOwner | None = None,
        name: str = "tx",
        fence: Fence | None = None,
    ) -> None:
        # The single writer's lease check (core/leases.py), in each transaction that signs and
        # before each broadcast: a replica that lost the key's lease signs and sends nothing.
        self._fence = fence
        self._sessions = sessions
        self._client = client
        self._signer = signer
        self._chain_id = chain_id
        self._fees = fees or FeePolicy()
        self._owner: StoredTxOwner = owner or NoOwner()
        self._name = name

    @property
    def address(self) -> str:
        return self._signer.address

    @property
    def signer(self) -> Signer:
        return self._signer

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self._sessions

    @property
    def client(self) -> ChainClient:
        return self._client

    def _row(self, nonce: int, signed: SignedTx, replaces: uuid.UUID | None) -> ChainTransaction:
        return ChainTransaction(
            id=uuid7(),
            sender=self.address,
            nonce=nonce,
            tx_hash=signed.tx_hash,
            raw=signed.raw,
            status=TxStatus.SIGNED.value,
            replaces_id=replaces,
        )

    def _sign(self, call: Call, nonce: int, fees: Mapping[str, int]) -> SignedTx:
        return self._signer.sign_transaction(
            {
                "type": 2,
                "chainId": self._chain_id,
                "nonce": nonce,
                "to": call.to,
                "value": call.value,
                "data": call.data,
                "gas": call.gas,
            }
            | dict(fees)
        )

    async def store(
        self,
        session: AsyncSession,
        calls: Sequence[Call],
        *,
        fees: Mapping[str, int],
        pending_nonce: int | None = None,
    ) -> list[ChainTransaction]:
        """Sign ``calls`` at the key's next nonces, in order, and add them to ``session`` as
        ``signed``. The nonce lease holds until the caller's transaction ends; with
        ``pending_nonce`` (read before the transaction opened) no node call is made."""
        if self._fence is not None:
            await self._fence(session)
        nonce = await next_nonce(
            session, self._client, self.address, pending_on_chain=pending_nonce
        )
        crash_point(f"{self._name}.after_nonce")
        rows = [
            self._row(nonce + i, self._sign(call, nonce + i, fees), None)
            for i, call in enumerate(calls)
        ]
        session.add_all(rows)
        await session.flush()
        if broken(SEND_BEFORE_STORE):  # the fault simulator's broken build (core/faults.py)
            for row in rows:
                await self._client.send_stored(row.raw, row.tx_hash)
                crash_point(f"{self._name}.after_send")
        return rows

    @traced("chain.broadcast")
    async def send(self, tx: ChainTransaction) -> bool:
        """Send the stored bytes (the node knowing them already counts as sent) and mark them
        ``broadcast``; False if the reconciler had marked them first. Node errors propagate:
        the row stays ``signed`` and keeps its nonce."""
        await self.fenced()
        await self._client.send_stored(tx.raw, tx.tx_hash)
        crash_point(f"{self._name}.after_send")
        marked = await self.mark_sent(tx.id)
        crash_point(f"{self._name}.after_mark")
        return marked

    async def fenced(self) -> None:
        """``LeaseLost`` if this replica no longer holds the key's lease (no-op without one)."""
        if self._fence is not None:
            async with unit_of_work(self._sessions) as session:
                await self._fence(session)

    async def mark_sent(self, tx_id: uuid.UUID) -> bool:
        """A ``signed`` transaction reached the node: ``broadcast``, with what it carries."""
        async with unit_of_work(self._sessions) as session:
            sent = await session.scalar(
                update(ChainTransaction)
                .where(
                    ChainTransaction.id == tx_id, ChainTransaction.status == TxStatus.SIGNED.value
                )
                .values(status=TxStatus.BROADCAST.value, broadcast_at=utcnow())
                .returning(ChainTransaction)
            )
            if sent is None:
                return False
            await self._owner.sent(session, sent)
        return True

    async def replacement_fees(self, old: ChainTransaction) -> dict[str, int] | None:
        """The fees of a copy of ``old`` per the policy; None (logged) past the cap."""
        before = TypedTransaction.from_bytes(HexBytes(old.raw)).as_dict()
        fees = replacement_fees(self._fees, before, await self._client.base_fee())
        if fees["maxFeePerGas"] > self._fees.max_fee_per_gas:
            log.error(
                "tx.fee_cap_reached",
                sender=self.address,
                tx_hash=_hex(old.tx_hash),
                wanted=fees["maxFeePerGas"],
                cap=self._fees.max_fee_per_gas,
            )
            return None
        return fees

    async def store_replacement(
        self,
        session: AsyncSession,
        old: ChainTransaction,
        fees: Mapping[str, int],
        *,
        call: Call | None = None,
    ) -> ChainTransaction:
        """Sign ``call`` (by default ``old``'s own) at ``old``'s nonce with ``fees`` and add it
        to ``session``, ``old`` marked ``replaced`` first; what ``old`` carried follows it."""
        if self._fence is not None:
            await self._fence(session)
        if call is None:
            before: dict[str, Any] = TypedTransaction.from_bytes(HexBytes(old.raw)).as_dict()
            call = Call(
                to=before["to"],
                gas=int(before["gas"]),
                data=bytes(before["data"]),
                value=int(before["value"]),
            )
        signed = self._sign(call, old.nonce, fees)
        await session.execute(
            update(ChainTransaction)
            .where(ChainTransaction.id == old.id)
            .values(status=TxStatus.REPLACED.value)
        )
        await session.flush()  # first: one live transaction per nonce at every moment
        new = self._row(old.nonce, signed, old.id)
        session.add(new)
        await session.flush()
        await self._owner.replaced(session, old.id, new.id)
        metrics.transaction_replaced(self._name)
        log.warning(
            "tx.replaced",
            sender=self.address,
            old=_hex(old.tx_hash),
            new=_hex(new.tx_hash),
            nonce=old.nonce,
            max_fee=fees["maxFeePerGas"],
        )
        return new

    async def replace(self, old: ChainTransaction) -> ChainTransaction | None:
        """Store a copy of ``old`` at its nonce with fees raised (not sent yet); None if the
        fees would pass the cap (``old`` stays live)."""
        fees = await self.replacement_fees(old)
        if fees is None:
            return None
        async with unit_of_work(self._sessions) as session:
            return await self.store_replacement(session, old, fees)

    async def undo_replacement(self, new: ChainTransaction, why: str) -> None:
        """The node refused the copy ``new``: the attempt it replaced is the live one again."""
        assert new.replaces_id is not None
        log.warning(
            "tx.replacement_refused", sender=self.address, tx_hash=_hex(new.tx_hash), error=why
        )
        async with unit_of_work(self._sessions) as session:
            await session.execute(
                update(ChainTransaction)
                .where(ChainTransaction.id == new.id)
                .values(status=TxStatus.REPLACED.value, failure=why[:300])
            )
            await session.flush()
            await session.execute(
                update(ChainTransaction)
                .where(ChainTransaction.id == new.replaces_id)
                .values(status=TxStatus.BROADCAST.value)
            )
            await self._owner.replaced(session, new.id, new.replaces_id)

    async def _unmined(self, since: ColumnElement[bool], limit: int) -> list[ChainTransaction]:
        """This key's ``broadcast`` transactions matching ``since`` that the chain has not
        mined (a mined one is the confirmation watcher's to settle), in nonce order."""
        async with unit_of_work(self._sessions) as session:
            stored = (
                await session.scalars(
                    select(ChainTransaction)
                    .where(
                        ChainTransaction.sender == self.address,
                        ChainTransaction.status == TxStatus.BROADCAST.value,
                        since,
                    )
                    .order_by(ChainTransaction.nonce)
                    .limit(limit)
                )
            ).all()
        return [tx for tx in stored if await self._client.receipt(tx.tx_hash) is None]

    async def replace_stuck(self, *, older_than: timedelta) -> int:
        """Replace transactions sent ``older_than`` ago and still not mined (fees too low for
        the market) and send the copies; returns how many the node took. A copy the node
        refuses is undone; one whose send timed out stays ``signed`` for the reconciler."""
        replaced = 0
        for tx in await self._unmined(ChainTransaction.created_at < utcnow() - older_than, 20):
            new = await self.replace(tx)
            if new is None:
                continue
            try:
                await self.send(new)
            except REPLACEMENT_REFUSED as exc:
                await self.undo_replacement(new, str(exc))
                continue
            replaced += 1
        return replaced

    async def rebroadcast_stale(self, *, older_than: timedelta) -> int:
        """Send again, byte for byte, broadcast transactions the node has not mined for
        ``older_than`` (a node restart or a full mempool can drop them); returns how many."""
        stale = await self._unmined(ChainTransaction.broadcast_at < utcnow() - older_than, 100)
        if stale:
            await self.fenced()
        for tx in stale:
            try:
                await self._client.send_raw(tx.raw)
            except (AlreadyKnown, NonceTooLow):
                pass
            log.warning("tx.rebroadcast", sender=self.address, tx_hash=_hex(tx.tx_hash))
            async with unit_of_work(self._sessions) as session:
                await session.execute(
                    update(ChainTransaction)
                    .where(ChainTransaction.id == tx.id)
                    .values(broadcast_at=utcnow())
                )
        return len(stale)

    def reconciler(self) -> TxReconciler:
        return TxReconciler(
            sessions=self._sessions, client=self._client, sender=self.address, owner=self._owner
        )

    async def reconcile(self) -> Reconciled:
        """Settle this key's open stored transactions by nonce against the chain (it may send
        some again: fenced first)."""
        await self.fenced()
        return await self.reconciler().reconcile()
