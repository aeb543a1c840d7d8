"""Gas top-ups: an HSM key that pays for its transactions (the payout key, the guardian) and has
less ether than its minimum gets topped up to its target by the gas wallet.

One top-up in flight at a time. Like every transaction here it is signed and stored
(``chain_transactions``, sender: the gas wallet, its nonce from the key's allocator shared with
the treasury executor) before it is sent; the reconciler (run each treasury round) re-sends it
while unmined, and the confirmation watcher settles it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain import (
    OPEN_TX,
    Call,
    ChainClient,
    ChainTransaction,
    NonceTooLow,
    Signer,
    TransactionSender,
)
from onramp.core.audit import record
from onramp.core.db import as_int, unit_of_work
from onramp.core.logging import get_logger
from onramp.treasury.models import RebalancingProposal, TreasuryWallet, WalletKind

log = get_logger(__name__)
TRANSFER_GAS = 21_000


async def _in_flight(session: AsyncSession, sender: str) -> ChainTransaction | None:
    """The gas wallet's top-up not yet settled, if any: its open transactions other than
    proposal executions and their cancels (a stuck execution does not stop the top-ups)."""
    executions = select(RebalancingProposal.exec_tx_hash).where(
        RebalancingProposal.exec_tx_hash.is_not(None)
    )
    found: ChainTransaction | None = await session.scalar(
        select(ChainTransaction)
        .where(
            ChainTransaction.sender == sender,
            ChainTransaction.status.in_(OPEN_TX),
            ChainTransaction.replaces_id.is_(None),
            ChainTransaction.tx_hash.not_in(executions.scalar_subquery()),
        )
        .limit(1)
    )
    return found


async def top_up_gas(
    sessions: async_sessionmaker[AsyncSession],
    client: ChainClient,
    gas_wallet: Signer,
    *,
    chain_id: int,
) -> int:
    """Send one top-up if a key is below its gas minimum; returns 1 if one was sent."""
    sender = TransactionSender(
        sessions=sessions, client=client, signer=gas_wallet, chain_id=chain_id, name="gas"
    )
    async with unit_of_work(sessions) as session:
        if await _in_flight(session, gas_wallet.address) is not None:
            return 0  # the reconciler re-sends it while unmined
        keys = (
            await session.scalars(
                select(TreasuryWallet).where(
                    TreasuryWallet.kind == WalletKind.KEY.value,
                    TreasuryWallet.min_gas_wei.is_not(None),
                    TreasuryWallet.target_gas_wei.is_not(None),
                    TreasuryWallet.address != gas_wallet.address,
                )
            )
        ).all()
        for wallet in keys:
            held = await client.balance(wallet.address)
            if held >= as_int(wallet.min_gas_wei):
                continue
            amount = as_int(wallet.target_gas_wei) - held
            fees = await client.fees()
            own = await client.balance(gas_wallet.address)
            if own < amount + TRANSFER_GAS * fees["maxFeePerGas"]:
                log.error("treasury.gas_wallet_low", needed=amount, held=own, wallet=wallet.name)
                return 0
            (tx,) = await sender.store(
                session, [Call(wallet.address, TRANSFER_GAS, value=amount)], fees=fees
            )
            await record(
                session,
                actor=f"chain:{gas_wallet.address}",
                action="treasury.gas_top_up",
                entity_type="treasury_wallet",
                entity_id=wallet.name,
                data={"wei": str(amount), "tx_hash": "0x" + tx.tx_hash.hex()},
            )
            break
        else:
            return 0
    log.info("treasury.gas_top_up", wallet=wallet.name, wei=amount)
    try:
        await sender.send(tx)
    except NonceTooLow:
        pass  # its nonce went to another transaction: the reconciler settles it
    return 1
