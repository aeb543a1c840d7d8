"""A key below its gas minimum is topped up to its target by the gas wallet (an HSM key), once,
through a stored transaction the confirmation watcher settles."""

from __future__ import annotations

import time
import uuid

from eth_account import Account
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain.models import ChainTransaction
from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.treasury.models import TreasuryWallet, WalletKind, WalletTier
from onramp.treasury.wallets import GasPolicy, register_wallet

ETHER = 10**18


async def test_a_key_low_on_gas_is_topped_up_to_its_target(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    assert stack.treasury is not None
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    key = Account.create().address  # holds nothing yet
    name = f"test-{uuid.uuid4().hex[:8]}"
    async with unit_of_work(sessions) as session:
        await register_wallet(
            session,
            name=name,
            kind=WalletKind.KEY,
            tier=WalletTier.HOT,
            address=key,
            gas=GasPolicy(minimum_wei=ETHER, target_wei=2 * ETHER),
            actor="test",
        )
    try:
        deadline = time.monotonic() + 30
        while w3.eth.get_balance(key) == 0:
            assert time.monotonic() < deadline, "the key was never topped up"
            time.sleep(0.2)
        assert w3.eth.get_balance(key) == 2 * ETHER  # up to the target, exactly
        while True:
            async with sessions() as session:
                stored = (
                    await session.scalars(
                        select(ChainTransaction).where(
                            ChainTransaction.sender == stack.treasury.executor
                        )
                    )
                ).all()
            sent = [t for t in stored if w3.eth.get_transaction(t.tx_hash)["to"] == key]
            if sent and sent[0].status == "confirmed":
                break
            assert time.monotonic() < deadline, [t.status for t in sent]
            time.sleep(0.2)
        assert len(sent) == 1
        time.sleep(2.5)  # two more rounds of the worker: above its minimum, nothing more is sent
        assert w3.eth.get_balance(key) == 2 * ETHER
    finally:
        async with unit_of_work(sessions) as session:
            await session.execute(delete(TreasuryWallet).where(TreasuryWallet.name == name))
