"""Executes approved proposals: the gas wallet (a key in the HSM) sends the Safe's
``execTransaction`` with the treasurers' signatures, and the result is confirmed from the receipt.

Like payouts, the transaction is signed and stored before it is sent; a restart re-sends the
stored bytes. The Safe's nonce makes a signed Safe transaction executable once, whoever sends
it and however often.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.client import ChainClient, Receipt
from onramp.chain.errors import AlreadyKnown, ExecutionReverted, NonceTooLow
from onramp.chain.safe import (
    EXECUTION_FAILURE_TOPIC,
    EXECUTION_SUCCESS_TOPIC,
    exec_transaction_calldata,
    packed_signatures,
)
from onramp.chain.signer import Signer
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
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._signer = signer
        self._chain_id = chain_id
        self._confirmations = confirmations

    @property
    def address(self) -> str:
        return self._signer.address

    @property
    def signer(self) -> Signer:
        return self._signer

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
                raw = await self._sign_execution(session, p)
            if raw is not None:
                await self._send(raw)
                sent += 1

    async def _sign_execution(self, session: AsyncSession, p: RebalancingProposal) -> bytes | None:
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
        signed = self._signer.sign_transaction(
            {
                "type": 2,
                "chainId": self._chain_id,
                "nonce": await self._client.pending_nonce(self._signer.address),
                "to": p.safe_address,
                "value": 0,
                "data": call,
                "gas": gas * 12 // 10,
            }
            | await self._client.fees()
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
        return signed.raw

    async def _send(self, raw: bytes) -> None:
        try:
            await self._client.send_raw(raw)
        except (AlreadyKnown, NonceTooLow):
            pass  # sent before (a restart), or mined: the confirmation settles it

    async def resend_stored(self) -> int:
        """Send again every stored execution that has no receipt (after a restart)."""
        async with unit_of_work(self._sessions) as session:
            stored = (
                await session.scalars(
                    select(RebalancingProposal).where(
                        RebalancingProposal.status == ProposalStatus.EXECUTING.value
                    )
                )
            ).all()
            pending = [
                p.exec_raw
                for p in stored
                if p.exec_raw is not None
                and p.exec_tx_hash is not None
                and await self._client.receipt(p.exec_tx_hash) is None
            ]
        for raw in pending:
            await self._send(raw)
        return len(pending)

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
                if receipt is None or head - receipt.block_number + 1 < self._confirmations:
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
