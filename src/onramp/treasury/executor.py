"""Executes approved proposals: the gas wallet (a key in the HSM) sends the Safe's
``execTransaction`` with the treasurers' signatures, and the result is confirmed from the receipt.

Like payouts, the transaction is signed and stored (``chain_transactions``, sender: the gas
wallet, its nonce from the key's allocator shared with gas top-ups) before it is sent; the
reconciler settles it by nonce each round (re-sent while the nonce is free, the proposal failed
if another transaction took the nonce). The Safe's nonce makes a signed Safe transaction
executable once, whoever sends it and however often. A stuck execution can be cancelled: a
transfer of nothing at its nonce with higher fees; whichever is mined decides.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import (
    EXECUTION_FAILURE_TOPIC,
    EXECUTION_SUCCESS_TOPIC,
    Call,
    ChainClient,
    ChainTransaction,
    ExecutionReverted,
    FeePolicy,
    NonceTooLow,
    NoOwner,
    Receipt,
    Reconciled,
    Signer,
    TransactionSender,
    TxStatus,
    exec_transaction_calldata,
    packed_signatures,
)
from onramp.core.audit import record
from onramp.core.clock import utcnow
from onramp.core.db import as_int, unit_of_work
from onramp.core.logging import get_logger
from onramp.core.money import Money
from onramp.ledger import chain_account, credit, debit, entry, post_entry
from onramp.treasury.models import ProposalStatus, RebalancingProposal
from onramp.treasury.onchain import safe_state
from onramp.treasury.proposals import safe_tx_of, signatures

log = get_logger(__name__)


def safe_outcome(receipt: Receipt, safe: str, safe_tx_hash: bytes) -> bool | None:
    """True if the Safe logged ``ExecutionSuccess`` for this transaction, False for
    ``ExecutionFailure`` or a reverted receipt, None if the receipt says neither."""
    if receipt.status != 1:
        return False
    for log_entry in receipt.logs:
        topics = [bytes(t) for t in log_entry["topics"]]
        if str(log_entry["address"]).lower() != safe.lower() or len(topics) < 2:
            continue
        if topics[1] != safe_tx_hash:  # the event's indexed txHash
            continue
        if topics[0] == EXECUTION_SUCCESS_TOPIC:
            return True
        if topics[0] == EXECUTION_FAILURE_TOPIC:
            return False
    return None


class ProposalExecutor:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        client: ChainClient,
        signer: Signer,
        chain_id: int,
        confirmations: int = 1,
        fees: FeePolicy | None = None,
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._signer = signer
        self._tx = TransactionSender(
            sessions=sessions,
            client=client,
            signer=signer,
            chain_id=chain_id,
            fees=fees,
            owner=ExecutionRows(),
            name="treasury",
        )
        self._confirmations = confirmations

    @property
    def transactions(self) -> TransactionSender:
        """The gas wallet's sender (gas top-ups share its key and nonces)."""
        return self._tx

    @property
    def address(self) -> str:
        return self._tx.address

    async def execute_ready(self) -> int:
        """Sign, store and send the execution of each ready proposal; return how many."""
        sent = 0
        while True:
            async with unit_of_work(self._sessions) as session:
                p = await session.scalar(
                    select(RebalancingProposal)
                    .where(RebalancingProposal.status == ProposalStatus.READY.value)
                    .order_by(RebalancingProposal.decided_at)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
                if p is None:
                    return sent
                stored = await self._sign_execution(session, p)
            if stored is not None:
                await self._send(stored)
                sent += 1

    async def _sign_execution(
        self, session: AsyncSession, p: RebalancingProposal
    ) -> ChainTransaction | None:
        state = await safe_state(self._client, p.safe_address)
        if state.nonce != p.safe_nonce:
            await self._fail(session, p, "the Safe's nonce moved on before execution")
            return None
        by_owner = {s.owner: s.signature for s in await signatures(session, p.id)}
        call = exec_transaction_calldata(safe_tx_of(p), packed_signatures(by_owner))
        try:
            gas = await self._client.estimate_gas(
                {"from": self._signer.address, "to": p.safe_address, "data": "0x" + call.hex()}
            )
        except ExecutionReverted as exc:
            await self._fail(session, p, f"the Safe refuses to execute: {exc}")
            return None
        fees = await self._client.fees()
        (signed,) = await self._tx.store(
            session, [Call(p.safe_address, gas * 12 // 10, call)], fees=fees
        )
        p.status = ProposalStatus.EXECUTING.value
        p.exec_sender = self._signer.address
        p.exec_tx_hash, p.exec_raw = signed.tx_hash, signed.raw
        await record(
            session,
            actor=f"chain:{self._signer.address}",
            action="treasury.proposal_executing",
            entity_type="rebalancing_proposal",
            entity_id=str(p.id),
            data={"tx_hash": "0x" + signed.tx_hash.hex()},
        )
        log.info("treasury.executing", id=str(p.id), tx_hash="0x" + signed.tx_hash.hex())
        return signed

    async def _send(self, tx: ChainTransaction) -> None:
        try:
            await self._tx.send(tx)
        except NonceTooLow:
            pass  # its nonce went to another transaction: the reconciler settles it

    async def resend_stored(self) -> int:
        """At start: settle the gas wallet's stored transactions (``reconcile``)."""
        return (await self.reconcile()).sent

    async def reconcile(self) -> Reconciled:
        """Settle every stored transaction of the gas wallet (executions, their cancels, gas
        top-ups) by nonce against the chain: ``tx_reconciler``."""
        return await self._tx.reconcile()

    def _cancellable(self) -> Select[RebalancingProposal, ChainTransaction]:
        """Executions a treasurer cancelled, still open, with their stored transaction."""
        return (
            select(RebalancingProposal, ChainTransaction)
            .join(ChainTransaction, ChainTransaction.tx_hash == RebalancingProposal.exec_tx_hash)
            .where(
                RebalancingProposal.status == ProposalStatus.EXECUTING.value,
                RebalancingProposal.cancel_requested_at.is_not(None),
                ChainTransaction.sender == self.address,  # this gas wallet's nonces
                ChainTransaction.status.in_([TxStatus.SIGNED.value, TxStatus.BROADCAST.value]),
            )
        )

    async def cancel_requested(self) -> int:
        """Replace each execution a treasurer cancelled, still unmined, with a transfer of
        nothing to the gas wallet at the same nonce and higher fees; returns how many. The
        node is asked first, with no row locked; the execution is locked and checked again
        while its cancel is signed and stored."""
        async with unit_of_work(self._sessions) as session:
            rows = (await session.execute(self._cancellable())).all()
        cancelled = 0
        for p, execution in rows:
            if await self._client.receipt(execution.tx_hash) is not None:
                continue  # mined: too late to cancel, confirm() settles it
            fees = await self._tx.replacement_fees(execution)
            if fees is None:
                continue  # past the fee cap: the execution stays live
            async with unit_of_work(self._sessions) as session:
                still = await session.execute(
                    self._cancellable()
                    .where(ChainTransaction.id == execution.id)
                    .with_for_update(of=ChainTransaction, skip_locked=True)
                )
                if still.first() is None:
                    continue  # settled or cancelled in between
                cancel = await self._tx.store_replacement(
                    session, execution, fees, call=Call(self.address, 21_000)
                )
            log.warning("treasury.execution_cancel_sent", id=str(p.id), nonce=execution.nonce)
            await self._send(cancel)
            cancelled += 1
        return cancelled

    async def confirm(self) -> int:
        """Settle executions deep enough in the chain; return how many settled."""
        settled = 0
        async with unit_of_work(self._sessions) as session:
            executing = (
                await session.scalars(
                    select(RebalancingProposal)
                    .where(RebalancingProposal.status == ProposalStatus.EXECUTING.value)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not executing:
                return 0
            head = await self._client.block_number()
            for p in executing:
                assert p.exec_tx_hash is not None
                receipt = await self._client.receipt(p.exec_tx_hash)
                if receipt is None:
                    settled += await self._settle_lost(session, p)
                    continue
                if head - receipt.block_number + 1 < self._confirmations:
                    continue
                outcome = safe_outcome(receipt, p.safe_address, p.safe_tx_hash)
                if outcome:
                    p.status, p.executed_at = ProposalStatus.EXECUTED.value, utcnow()
                    moved = Money(as_int(p.amount), "USDC")
                    # USDC moved between two of our own wallets: one asset account to another
                    # (a payout-role change moves nothing).
                    if moved.is_positive():
                        await post_entry(
                            session,
                            entry(
                                "treasury_rebalance",
                                "0x" + p.safe_tx_hash.hex(),
                                debit(chain_account(p.destination), moved),
                                credit(chain_account(p.source), moved),
                            ),
                        )
                    await record(
                        session,
                        actor=f"chain:{p.safe_address}",
                        action="treasury.proposal_executed",
                        entity_type="rebalancing_proposal",
                        entity_id=str(p.id),
                        data={
                            "tx_hash": "0x" + p.exec_tx_hash.hex(),
                            "block_number": receipt.block_number,
                        },
                    )
                    log.info("treasury.executed", id=str(p.id), block=receipt.block_number)
                else:
                    await self._fail(session, p, "the Safe transaction failed on-chain")
                settled += 1
        return settled

    async def _settle_lost(self, session: AsyncSession, p: RebalancingProposal) -> int:
        """An execution replaced by its cancel, the cancel confirmed: the proposal is
        cancelled (the Safe transaction was not executed by it). 1 if so."""
        execution = await session.scalar(
            select(ChainTransaction).where(ChainTransaction.tx_hash == p.exec_tx_hash)
        )
        if execution is None or execution.status != TxStatus.REPLACED.value:
            return 0
        winner = await session.scalar(
            select(ChainTransaction).where(
                ChainTransaction.sender == execution.sender,
                ChainTransaction.nonce == execution.nonce,
                ChainTransaction.status == TxStatus.CONFIRMED.value,
            )
        )
        if winner is None:
            return 0
        p.status, p.failure = ProposalStatus.CANCELLED.value, "execution cancelled on-chain"
        await record(
            session,
            actor="system:treasury",
            action="treasury.proposal_cancelled",
            entity_type="rebalancing_proposal",
            entity_id=str(p.id),
            data={"tx_hash": "0x" + winner.tx_hash.hex(), "nonce": winner.nonce},
        )
        log.warning("treasury.execution_cancelled", id=str(p.id), nonce=winner.nonce)
        return 1

    async def _fail(self, session: AsyncSession, p: RebalancingProposal, reason: str) -> None:
        p.status, p.failure = ProposalStatus.FAILED.value, reason[:300]
        await record(
            session,
            actor="system:treasury",
            action="treasury.proposal_failed",
            entity_type="rebalancing_proposal",
            entity_id=str(p.id),
            data={"reason": reason},
        )
        log.error("treasury.proposal_failed", id=str(p.id), reason=reason)


class ExecutionRows(NoOwner):
    """What the reconciler does to the proposals the gas wallet's transactions execute."""

    async def moved(self, session: AsyncSession, from_id: uuid.UUID, to: ChainTransaction) -> None:
        # Only a cancel replaces an execution: the execution was mined first, confirm() settles
        # the proposal as executed.
        log.warning("treasury.cancel_too_late", tx_hash="0x" + to.tx_hash.hex())

    async def superseded(self, session: AsyncSession, tx: ChainTransaction) -> None:
        """The nonce went to a transaction not stored here: the execution (or its cancel)
        never runs; the proposal fails (cancelled if a treasurer asked), and the Safe's nonce
        lets a new proposal take its place."""
        hashes = [tx.tx_hash]
        if tx.replaces_id is not None:  # a cancel: the proposal names the execution it replaced
            replaced = await session.get(ChainTransaction, tx.replaces_id)
            if replaced is not None:
                hashes.append(replaced.tx_hash)
        for p in await session.scalars(
            select(RebalancingProposal)
            .where(
                RebalancingProposal.status == ProposalStatus.EXECUTING.value,
                or_(*[RebalancingProposal.exec_tx_hash == h for h in hashes]),
            )
            .with_for_update()
        ):
            cancelled = p.cancel_requested_at is not None
            p.status = (ProposalStatus.CANCELLED if cancelled else ProposalStatus.FAILED).value
            p.failure = "execution superseded: its nonce went to a transaction not stored here"
            await record(
                session,
                actor="system:treasury",
                action="treasury.proposal_cancelled" if cancelled else "treasury.proposal_failed",
                entity_type="rebalancing_proposal",
                entity_id=str(p.id),
                data={"reason": p.failure},
            )
            log.error("treasury.execution_superseded", id=str(p.id), nonce=tx.nonce)
