"""The payout sender: queued payouts -> one signed vault transaction per batch -> the node.

The hot wallet has one writer: the replica holding its lease (``core/leases.py``), whose token
every signing transaction and every broadcast checks first, so a replica that lost it signs and
sends nothing. The writer assigns nonces. A transaction is signed and stored in one commit
*before* it is broadcast; after a crash, stored transactions are re-sent byte for byte rather
than signed again, and the vault refuses a second payout of the same order id, so an order is
paid at most once.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import events
from onramp.chain.client import ChainClient
from onramp.chain.controlled_addresses import refused_destinations
from onramp.chain.models import Payout, PayoutStatus
from onramp.chain.paying.payout_gate import DestinationCheck, GateItem, PayoutGate
from onramp.chain.paying.payout_plan import BatchPlanner, PayoutItem, payout_batch_calldata
from onramp.chain.paying.payout_rows import PayoutRows
from onramp.chain.signing.signer import Signer
from onramp.chain.transactions.fees import FeePolicy
from onramp.chain.transactions.tx_reconciler import Reconciled
from onramp.chain.transactions.tx_sender import Call, TransactionSender
from onramp.chain.wait_state import WaitState
from onramp.core import metrics
from onramp.core.clock import utcnow
from onramp.core.db import as_int, unit_of_work
from onramp.core.faults import crash_point
from onramp.core.leases import LeaseHolder
from onramp.core.logging import get_logger
from onramp.core.outbox import emit_many, make_event
from onramp.core.trace_links import link_traces
from onramp.core.tracing import annotate, traced

log = get_logger(__name__)


def writer_lease_name(address: str) -> str:
    return f"payout-writer:{address.lower()}"


class PayoutSender:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        client: ChainClient,
        signer: Signer,
        vault: str,
        chain_id: int,
        batch_size: int,
        destination_check: DestinationCheck | None = None,
        gate: PayoutGate | None = None,
        fees: FeePolicy | None = None,
        batch_wait: timedelta = timedelta(0),
        lease_ttl: timedelta = timedelta(seconds=15),
    ) -> None:
        self._batch_wait = batch_wait
        self._sessions = sessions
        # The hot wallet's lease: the loop takes it; from then on every write is fenced by it.
        self.writer = LeaseHolder(sessions, writer_lease_name(signer.address), ttl=lease_ttl)
        self._tx = TransactionSender(
            sessions=sessions,
            client=client,
            signer=signer,
            chain_id=chain_id,
            fees=fees,
            owner=PayoutRows(),
            name="payout",
            fence=self.writer.guard,
        )
        self._gate = gate
        self._paused: str | None = None  # the gate's last pause reason (logged once)
        self._destination_check = destination_check
        self._signer = signer
        self._vault = vault
        self._batch_size = batch_size
        self._planner = BatchPlanner(client=client, signer=signer, vault=vault)
        self._wait = WaitState("payouts")

    async def resend_stored(self) -> int:
        """At start: settle every stored transaction not yet final (``reconcile``); a stored
        transaction the node does not know never stops the worker."""
        return (await self.reconcile()).sent

    async def reconcile(self) -> Reconciled:
        """Settle this wallet's stored transactions by nonce against the chain (mined original
        or replacement, dropped and re-sent, superseded: ``tx_reconciler``)."""
        return await self._tx.reconcile()

    async def rebroadcast_stale(self, *, older_than: timedelta) -> int:
        """Send again, byte for byte, broadcast transactions the node has not mined for a while
        (a node restart or a full mempool can drop them); returns how many were re-sent."""
        return await self._tx.rebroadcast_stale(older_than=older_than)

    async def replace_stuck(self, *, older_than: timedelta) -> int:
        """Replace transactions sent long ago and still not mined (the fees were too low for
        the market): same nonce, same call, higher fees; the payouts follow the copy. Returns
        how many were replaced."""
        return await self._tx.replace_stuck(older_than=older_than)

    async def _batch_filling(self, session: AsyncSession) -> bool:
        """True while a partial batch may still wait for more payouts."""
        if not self._batch_wait:
            return False
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(Payout.created_at)).where(
                    Payout.status == PayoutStatus.QUEUED.value
                )
            )
        ).one()
        return bool(count) and count < self._batch_size and oldest > utcnow() - self._batch_wait

    async def _candidates(self) -> tuple[list[PayoutItem], int, dict[str, str]]:
        """The next batch in queue order, what pending batches will still take out of the
        vault, and which of its destinations no payout may go to (a short read: no lock is held
        while the chain is asked about them)."""
        async with unit_of_work(self._sessions) as session:
            if await self._batch_filling(session):
                return [], 0, {}
            rows = await session.execute(
                select(Payout.order_id, Payout.to_address, Payout.amount)
                .where(Payout.status == PayoutStatus.QUEUED.value)
                .order_by(Payout.created_at, Payout.id)
                .limit(self._batch_size)
            )
            items = [PayoutItem(o, to, as_int(amount)) for o, to, amount in rows]
            if not items:
                return [], 0, {}
            refused = await refused_destinations(session, [i.to for i in items])
            pending = await session.scalar(
                select(func.coalesce(func.sum(Payout.amount), 0)).where(
                    Payout.status.in_((PayoutStatus.SIGNED.value, PayoutStatus.BROADCAST.value))
                )
            )
        return items, as_int(pending), refused

    async def _note_waiting(self, waiting: str | None, count: int) -> None:
        """Announce a change of what the payouts wait for once (they stay queued meanwhile):
        the vault's condition, or sanctions lists current enough to check them. Logged, and
        ``chain.payouts_waiting`` / ``chain.payouts_resumed`` for the operators' alerts."""
        change = self._wait.change_to(waiting)
        if change is None:
            return
        async with unit_of_work(self._sessions) as session:
            await emit_many(
                session,
                [
                    make_event(
                        events.PAYOUTS_WAITING if waiting else events.PAYOUTS_RESUMED,
                        {"reason": change.reason, "queued": count, "vault": self._vault},
                        source=events.SOURCE,
                        entity_id=self._vault,
                        correlation_id=self._vault,
                    )
                ],
            )
        self._wait.settle(change, queued=count)

    @traced("payout.batch")
    async def send_batch(self) -> int:
        """Sign, store and broadcast one batch of queued payouts; return how many were sent.

        The chain is asked first, with no transaction open (a slow node never holds row locks
        or an idle transaction); then one transaction locks the payouts, re-checks they are
        still queued, applies the sanctions check and the treasury's gate, and signs and stores
        the batch."""
        candidates, pending, refused = await self._candidates()
        if not candidates:
            return 0
        plan = await self._planner.plan(candidates, pending, refused)
        unscreenable = await self._destination_check.waiting() if self._destination_check else None
        await self._note_waiting(plan.waiting or unscreenable, len(candidates))
        if unscreenable is not None:
            return 0
        planned = {i.order_id for i in plan.items} | set(plan.held) | set(plan.failed)
        if not planned:
            return 0
        async with unit_of_work(self._sessions) as session:
            payouts = (
                await session.scalars(
                    select(Payout)
                    .where(
                        Payout.order_id.in_(planned),
                        Payout.status == PayoutStatus.QUEUED.value,
                    )
                    .order_by(Payout.created_at, Payout.id)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            still = {p.order_id for p in payouts}
            await self._fail(session, payouts, {o: r for o, r in plan.failed.items() if o in still})
            await self._hold(
                session, payouts, [], {o: h for o, h in plan.held.items() if o in still}
            )
            items = [i for i in plan.items if i.order_id in still]
            items = await self._hold_blocked(session, payouts, items)
            items = await self._pass_gate(session, payouts, items)
            if not items:
                return 0
            # A subset of the estimated batch costs no more gas than the batch.
            call = Call(to=self._vault, gas=plan.gas * 12 // 10, data=payout_batch_calldata(items))
            (tx,) = await self._tx.store(
                session, [call], fees=plan.fees, pending_nonce=plan.pending_nonce
            )
            sent = {i.order_id for i in items}
            link_traces(p.traceparent for p in payouts if p.order_id in sent)
            for p in payouts:
                if p.order_id in sent:
                    p.status = PayoutStatus.SIGNED.value
                    p.tx_id = tx.id
            crash_point("payout.before_store")  # signed, the transaction not committed
        log.info("payout.signed", tx_hash="0x" + tx.tx_hash.hex(), nonce=tx.nonce, count=len(items))
        annotate(**{"onramp.payouts": len(items), "onramp.tx_hash": "0x" + tx.tx_hash.hex()})
        metrics.payout_batch_signed(len(items))
        crash_point("payout.after_sign")
        await self._tx.send(tx)
        return len(items)

    async def _fail(
        self, session: AsyncSession, payouts: Sequence[Payout], failed: Mapping[uuid.UUID, str]
    ) -> None:
        """Fail the payouts the vault refuses for a cause in the payout itself (announced)."""
        if not failed:
            return
        for p in payouts:
            if p.order_id in failed:
                p.status = PayoutStatus.FAILED.value
                p.failure = failed[p.order_id][:300]
        await emit_many(
            session,
            [
                make_event(
                    events.PAYOUT_FAILED,
                    {"order_id": str(o), "reason": reason[:300]},
                    source=events.SOURCE,
                    entity_id=str(o),
                    correlation_id=str(o),
                )
                for o, reason in failed.items()
            ],
        )

    async def _pass_gate(
        self, session: AsyncSession, payouts: Sequence[Payout], items: list[PayoutItem]
    ) -> list[PayoutItem]:
        """Ask the treasury's gate: a tripped breaker signs nothing (the payouts stay queued
        and the sender waits); payouts over a risk limit are held; the rest go on."""
        if self._gate is None or not items:
            return items
        released = {p.order_id for p in payouts if p.released_at is not None}
        customers = {p.order_id: p.customer_id for p in payouts}
        verdict = await self._gate(
            session,
            [
                GateItem(
                    i.order_id, i.to, i.amount, i.order_id in released, customers.get(i.order_id)
                )
                for i in items
            ],
        )
        if verdict.paused != self._paused:
            if verdict.paused is not None:
                log.warning("payouts.paused", reason=verdict.paused[:300], queued=len(items))
            else:
                log.info("payouts.resumed")
            self._paused = verdict.paused
        if verdict.paused is not None:
            return []
        if verdict.deferred:
            log.info("payouts.deferred", count=len(verdict.deferred))
        kept = [i for i in items if i.order_id not in verdict.deferred]
        return await self._hold(session, payouts, kept, verdict.held)

    async def _hold_blocked(
        self, session: AsyncSession, payouts: Sequence[Payout], items: list[PayoutItem]
    ) -> list[PayoutItem]:
        """Hold the payouts whose destination the latest lists name; the rest go on."""
        if self._destination_check is None:
            return items
        released = {p.order_id for p in payouts if p.released_at is not None}
        blocked = await self._destination_check(
            [(i.order_id, i.to) for i in items if i.order_id not in released]
        )
        return await self._hold(session, payouts, items, blocked)

    async def _hold(
        self,
        session: AsyncSession,
        payouts: Sequence[Payout],
        items: list[PayoutItem],
        blocked: Mapping[uuid.UUID, tuple[str, Mapping[str, Any]]],
    ) -> list[PayoutItem]:
        """Set ``blocked`` payouts aside (held, with their reason and evidence announced)."""
        if not blocked:
            return items
        for p in payouts:
            if p.order_id in blocked:
                p.status = PayoutStatus.HELD.value
                p.failure = blocked[p.order_id][0][:300]
                log.warning("payout.held", order_id=str(p.order_id))
        await emit_many(
            session,
            [
                make_event(
                    events.PAYOUT_HELD,
                    {
                        "order_id": str(o),
                        "reason": reason[:300],
                        "evidence": dict(evidence),
                    },
                    source=events.SOURCE,
                    entity_id=str(o),
                    correlation_id=str(o),
                )
                for o, (reason, evidence) in blocked.items()
            ],
        )
        return [i for i in items if i.order_id not in blocked]
