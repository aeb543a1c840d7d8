"""The withdrawals worker: the UserWalletFactory's operator key (the custody key, in the HSM)
moves USDC out of customers' wallets.

For the oldest requested withdrawal it signs, in one database transaction, ``deployWallet`` (if
the wallet has no code yet) and the wallet's ``transferToken``, and stores them
(``chain_transactions``) before sending: a restart re-sends the same bytes. The confirmation
watcher settles each transaction after N blocks with a stored block hash; a withdrawal is
confirmed only if its receipt carries the wallet's matching ``TokenTransferred`` event (a call
to a wallet that was not deployed "succeeds" and moves nothing).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.client import ChainClient
from onramp.chain.custodial.custody import (
    deploy_wallet_calldata,
    tokens_transferred,
    transfer_token_calldata,
    withdrawals_stopped,
)
from onramp.chain.custodial.withdrawal_rows import WithdrawalRows
from onramp.chain.custodial.withdrawals import in_flight
from onramp.chain.errors import (
    ChainRpcError,
    ExecutionReverted,
    NodeUnavailable,
)
from onramp.chain.models import ChainTransaction, TxStatus, WalletWithdrawal, WithdrawalStatus
from onramp.chain.paying.vault_conditions import token_paused
from onramp.chain.signing.hsm_signer import Pkcs11Signer
from onramp.chain.signing.signer import LocalKeySigner, Signer
from onramp.chain.transactions.tx_sender import Call, TransactionSender
from onramp.chain.wait_state import WaitState
from onramp.chain.worker import Backoff, _pause
from onramp.core.audit import record
from onramp.core.clock import utcnow
from onramp.core.db import as_int, unit_of_work
from onramp.core.errors import InvalidInput
from onramp.core.faults import crash_point
from onramp.core.keys import Hsm, HsmUnavailable
from onramp.core.leases import LeaseHolder, LeaseLost
from onramp.core.logging import get_logger
from onramp.core.settings import CustodySettings, HsmSettings

log = get_logger(__name__)
# transferToken on a wallet deployed in the same block cannot be estimated beforehand (an
# account without code answers any call); it needs about 60k gas, unused gas is not paid.
TRANSFER_GAS_UNDEPLOYED = 150_000


class CustodyKeyNotConfigured(InvalidInput):
    code = "custody_key_not_configured"
    title = "ONRAMP_CUSTODY__SIGNER=hsm needs ONRAMP_CUSTODY__KEY_ID"


def custody_signer(custody: CustodySettings, hsm: HsmSettings) -> Signer:
    """The factory operator's signer; the HSM key is looked up now (a missing one stops the
    worker at start)."""
    if custody.signer == "local":
        return LocalKeySigner(custody.private_key.get_secret_value())
    if not custody.key_id:
        raise CustodyKeyNotConfigured("set it to the custody key's CKA_ID (hex)")
    return Pkcs11Signer(Hsm.connect(hsm), custody.key_id)


class WithdrawalDestinationCheck(Protocol):
    """Screens a withdrawal's destination again right before signing (the compliance side plugs
    in here, recording the screen and raising its alert in its own transaction): the lists may
    have changed since the request. Returns why it must not be sent, or None."""

    async def __call__(self, customer_id: uuid.UUID, address: str) -> str | None: ...

    async def waiting(self) -> str | None:
        """Why nothing can be checked now (production: no current sanctions list), or None:
        withdrawals then wait, requested, never failed."""
        ...


@dataclass(frozen=True)
class _Plan:
    held: int  # the wallet's USDC when the calls were estimated
    deployed: bool
    calls: list[Call]
    fees: dict[str, int]


class WithdrawalSender:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        client: ChainClient,
        signer: Signer,
        factory: str,
        usdc: str,
        chain_id: int,
        destination_check: WithdrawalDestinationCheck | None = None,
        lease_ttl: timedelta = timedelta(seconds=15),
    ) -> None:
        # The custody key's lease (core/leases.py): the loop takes it; every write checks it.
        self.writer = LeaseHolder(
            sessions, f"custody-writer:{signer.address.lower()}", ttl=lease_ttl
        )
        self._destination_check = destination_check
        self._wait = WaitState("withdrawals")
        self._sessions = sessions
        self._client = client
        self._signer = signer
        self._tx = TransactionSender(
            sessions=sessions,
            client=client,
            signer=signer,
            chain_id=chain_id,
            owner=WithdrawalRows(signer.address),
            name="withdrawal",
            fence=self.writer.guard,
        )
        self._factory = factory
        self._usdc = usdc

    async def send_next(self) -> int:
        """Sign, store and send the oldest requested withdrawal; 1 if one was taken up.

        What the node and the screen say is read first, outside any row lock (a slow node holds
        no transaction open); the row is then locked, still requested, and signed and stored in
        one transaction. A paused token, paused withdrawals or a custody key that is not the
        factory's operator are conditions that pass: withdrawals wait, requested, and are never
        failed for them."""
        waiting = await self._destination_check.waiting() if self._destination_check else None
        if waiting is None and await token_paused(self._client, self._usdc):
            waiting = "token_paused: withdrawals wait until the issuer unpauses USDC"
        if waiting is None:
            waiting = await withdrawals_stopped(
                self._client, factory=self._factory, custody=self._signer.address
            )
        if change := self._wait.change_to(waiting):
            self._wait.settle(change)
        if waiting is not None:
            return 0
        async with self._sessions() as session:
            row = await session.scalar(
                select(WalletWithdrawal)
                .where(WalletWithdrawal.status == WithdrawalStatus.REQUESTED.value)
                .order_by(WalletWithdrawal.created_at)
                .limit(1)
            )
            if row is None:
                return 0
            spoken_for = await in_flight(session, wallet=row.wallet_address)
        plan = await self._plan(row, spoken_for)
        async with unit_of_work(self._sessions) as session:
            locked = await session.scalar(
                select(WalletWithdrawal)
                .where(
                    WalletWithdrawal.id == row.id,
                    WalletWithdrawal.status == WithdrawalStatus.REQUESTED.value,
                )
                .with_for_update(skip_locked=True)
            )
            if locked is None:
                return 1  # taken up or cancelled meanwhile: the next round looks again
            stored = await self._sign(session, locked, plan)
        crash_point("withdrawal.after_sign")
        for tx in stored:
            await self._tx.send(tx)
        return 1

    async def _plan(self, row: WalletWithdrawal, spoken_for: int) -> _Plan | str:
        """The calls that move the withdrawal, with what the chain holds now; or why the
        withdrawal itself cannot be sent (its destination refused, the wallet short of it with
        ``spoken_for`` in flight, this one included, or the transfer reverts)."""
        if self._destination_check is not None:
            refused = await self._destination_check(row.customer_id, row.to_address)
            if refused is not None:
                return f"destination_sanctioned: {refused}"
        held = await self._client.token_balance(self._usdc, row.wallet_address)
        if held - spoken_for < 0:
            # The wallet lost USDC since the request (its own withdrawals are counted there).
            return "insufficient_wallet_balance"
        deployed = len(await self._client.code(row.wallet_address)) > 0
        calls: list[Call] = []
        try:
            if not deployed:
                deploy = deploy_wallet_calldata(row.customer_id)
                calls.append(Call(self._factory, await self._gas(self._factory, deploy), deploy))
            transfer = transfer_token_calldata(self._usdc, row.to_address, as_int(row.amount))
            gas = (
                await self._gas(row.wallet_address, transfer)
                if deployed
                else TRANSFER_GAS_UNDEPLOYED
            )
            calls.append(Call(row.wallet_address, gas, transfer))
        except ExecutionReverted as exc:
            return f"reverts: {exc}"
        return _Plan(held=held, deployed=deployed, calls=calls, fees=await self._client.fees())

    async def _sign(
        self, session: AsyncSession, row: WalletWithdrawal, plan: _Plan | str
    ) -> list[ChainTransaction]:
        if isinstance(plan, str):
            await self._fail(session, row, plan)
            return []
        if plan.held - await in_flight(session, wallet=row.wallet_address) < 0:
            await self._fail(session, row, "insufficient_wallet_balance")
            return []
        # The deploy and the transfer take the key's next nonce and the one after.
        stored = await self._tx.store(session, plan.calls, fees=plan.fees)
        if not plan.deployed:
            row.deploy_tx_id = stored[0].id
        row.tx_id, row.tx_hash = stored[-1].id, stored[-1].tx_hash
        row.status, row.updated_at = WithdrawalStatus.SIGNED.value, utcnow()
        await record(
            session,
            actor=f"chain:{self._signer.address}",
            action="wallet.withdrawal_signed",
            entity_type="wallet_withdrawal",
            entity_id=str(row.id),
            data={"tx_hash": "0x" + stored[-1].tx_hash.hex(), "deploys_wallet": not plan.deployed},
        )
        return stored

    async def _gas(self, to: str, data: bytes) -> int:
        """The call's gas estimate with a fifth more (``ExecutionReverted`` if it reverts)."""
        gas = await self._client.estimate_gas(
            {"from": self._signer.address, "to": to, "data": "0x" + data.hex()}
        )
        return gas * 6 // 5

    async def _fail(self, session: AsyncSession, row: WalletWithdrawal, reason: str) -> None:
        row.status, row.failure, row.updated_at = (
            WithdrawalStatus.FAILED.value,
            reason[:300],
            utcnow(),
        )
        await record(
            session,
            actor=f"chain:{self._signer.address}",
            action="wallet.withdrawal_failed",
            entity_type="wallet_withdrawal",
            entity_id=str(row.id),
            data={"reason": reason[:300]},
        )
        log.warning("withdrawal.failed", withdrawal_id=str(row.id), reason=reason[:300])

    async def resend(self) -> int:
        """Settle the custody key's stored transactions by nonce against the chain (re-sent
        while their nonce is free, the withdrawal failed if another transaction took it:
        ``tx_reconciler``); returns how many were sent."""
        return (await self._tx.reconcile()).sent

    async def settle(self) -> int:
        """Withdrawals whose transfer the confirmation watcher settled: confirmed if the
        receipt carries the wallet's TokenTransferred to the destination for the amount."""
        async with unit_of_work(self._sessions) as session:
            rows = (
                await session.execute(
                    select(WalletWithdrawal, ChainTransaction)
                    .join(ChainTransaction, ChainTransaction.id == WalletWithdrawal.tx_id)
                    .where(
                        WalletWithdrawal.status == WithdrawalStatus.BROADCAST.value,
                        ChainTransaction.status.in_(
                            [TxStatus.CONFIRMED.value, TxStatus.FAILED.value]
                        ),
                    )
                    .with_for_update(of=WalletWithdrawal, skip_locked=True)
                )
            ).all()
            for row, tx in rows:
                await self._settle_one(session, row, tx)
        return len(rows)

    async def _settle_one(
        self, session: AsyncSession, row: WalletWithdrawal, tx: ChainTransaction
    ) -> None:
        receipt = await self._client.receipt(tx.tx_hash)
        if tx.status != TxStatus.CONFIRMED.value or receipt is None or receipt.status != 1:
            await self._fail(session, row, "reverted")
            return
        moved = tokens_transferred(receipt, wallet=row.wallet_address, token=self._usdc)
        if moved != [(row.to_address, as_int(row.amount))]:
            await self._fail(session, row, "transfer_event_mismatch")
            return
        row.status, row.block_number, row.updated_at = (
            WithdrawalStatus.CONFIRMED.value,
            receipt.block_number,
            utcnow(),
        )
        await record(
            session,
            actor=f"chain:{self._signer.address}",
            action="wallet.withdrawal_confirmed",
            entity_type="wallet_withdrawal",
            entity_id=str(row.id),
            data={"tx_hash": "0x" + tx.tx_hash.hex(), "block_number": receipt.block_number},
        )
        log.info("withdrawal.confirmed", withdrawal_id=str(row.id), block=receipt.block_number)


async def run_withdrawals(
    sender: WithdrawalSender,
    *,
    stop: asyncio.Event,
    idle: float,
    rebroadcast_after: float,
) -> None:
    """Send withdrawals while this replica holds the custody key's lease (the others wait for
    it); a lost lease ends the loop with ``LeaseLost``."""
    if await sender.writer.acquire(stop) is None:
        return
    try:
        log.info("withdrawals.started")
        backoff = Backoff()
        next_sweep = time.monotonic()
        while not stop.is_set():
            if sender.writer.lost.is_set():
                raise LeaseLost("the custody key's lease was lost")
            try:
                if time.monotonic() >= next_sweep:
                    await sender.resend()
                    next_sweep = time.monotonic() + max(0.5, rebroadcast_after / 3)
                busy = await sender.send_next() + await sender.settle()
            except (NodeUnavailable, ChainRpcError, ExecutionReverted, HsmUnavailable) as exc:
                # Nothing half-done stays behind: a failed signing rolled its transaction back;
                # a failed send is re-sent from storage.
                log.warning("withdrawals.error", error=str(exc))
                await _pause(stop, backoff.next())
                try:
                    await sender.resend()
                except (NodeUnavailable, ChainRpcError):
                    pass
                continue
            backoff.reset()
            if busy == 0:
                await _pause(stop, idle)
    finally:
        await sender.writer.close()
    log.info("withdrawals.stopped")
