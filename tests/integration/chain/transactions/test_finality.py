"""Finality on a real anvil whose ``finalized`` block trails the head by two blocks: a payout
mined and deep enough is not settled (the order neither completed nor posted) until its block is
finalized, and is settled once it is."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from eth_account import Account
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain import GateItem, GateVerdict, PayoutRequest, queue_payouts
from onramp.chain.client import ChainClient
from onramp.chain.contracts.deploy import Deployment, deploy_local
from onramp.chain.models import ChainTransaction, Payout
from onramp.chain.paying.payouts import PayoutSender
from onramp.chain.signing.signer import LocalKeySigner
from onramp.chain.transactions.confirmations import ConfirmationWatcher
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.core.settings import ANVIL_DEPLOYER_KEY, REPO_ROOT
from onramp.devstack.anvil import ANVIL_CHAIN_ID, Anvil, start_anvil
from onramp.devstack.stack import Stack


@dataclass
class Chain:
    anvil: Anvil
    deployment: Deployment
    payout_key: str


@pytest.fixture
def chain(infra: Stack) -> Iterator[Chain]:
    """An anvil of this test's own (two slots an epoch: finalized = head - 2), with the
    contracts and a payout key of its own."""
    state_dir = Path(tempfile.mkdtemp(prefix="onramp-finality-"))
    anvil = start_anvil(state_dir, repo_root=REPO_ROOT, slots_in_an_epoch=1)
    try:
        key = Account.create()
        deployment = deploy_local(
            anvil.url,
            deployer_key=ANVIL_DEPLOYER_KEY,
            payout_address=key.address,
            vault_funding=1_000 * 10**6,
            payout_gas_wei=10**18,
        )
        yield Chain(anvil, deployment, "0x" + bytes(key.key).hex())
    finally:
        anvil.stop()
        shutil.rmtree(state_dir, ignore_errors=True)


@pytest.fixture
def payouts_worker_off(infra: Stack) -> Iterator[None]:
    """The stack's own payouts worker (if running) must not take this test's payout."""
    running = "worker-payouts" in infra.apps
    if running:
        infra.apps["worker-payouts"].stop()
    yield
    if running:
        infra.spawn_worker("payouts")


class _OnlyThis:
    """Any other payout queued in the shared database stays queued, untouched."""

    def __init__(self, order_id: uuid.UUID) -> None:
        self._order_id = order_id

    async def __call__(self, session: AsyncSession, items: Sequence[GateItem]) -> GateVerdict:
        return GateVerdict(
            deferred=frozenset(i.order_id for i in items if i.order_id != self._order_id)
        )


async def _payout(sessions: async_sessionmaker[AsyncSession], order_id: uuid.UUID) -> Payout:
    async with unit_of_work(sessions) as session:
        found = await session.scalar(select(Payout).where(Payout.order_id == order_id))
    assert found is not None
    return found


async def test_a_payout_is_settled_only_once_its_block_is_finalized(
    chain: Chain, sessions: async_sessionmaker[AsyncSession], payouts_worker_off: None
) -> None:
    w3 = Web3(Web3.HTTPProvider(chain.anvil.url))
    client = ChainClient(chain.anvil.url)
    order_id = uuid.uuid4()
    to = Account.create().address
    async with unit_of_work(sessions) as session:
        await queue_payouts(session, [PayoutRequest(order_id, to, Money(5_000_000, "USDC"))])
    sender = PayoutSender(
        sessions=sessions,
        client=client,
        signer=LocalKeySigner(chain.payout_key),
        vault=chain.deployment.vault,
        chain_id=ANVIL_CHAIN_ID,
        batch_size=10,
        gate=_OnlyThis(order_id),
    )
    watcher = ConfirmationWatcher(
        sessions=sessions,
        client=client,
        vault=chain.deployment.vault,
        confirmations=1,
        require_finalized=True,
    )
    assert await sender.send_batch() == 1
    payout = await _payout(sessions, order_id)
    async with unit_of_work(sessions) as session:
        tx = await session.get(ChainTransaction, payout.tx_id)
        assert tx is not None
        mined = await client.receipt(tx.tx_hash)  # automine: in the head block
    assert mined is not None
    assert mined.status == 1

    for _ in range(2):  # one, then two blocks on top: its block is still above finalized
        finalized = await client.finalized_block()
        assert finalized is not None
        assert finalized < mined.block_number
        await watcher.check()
        assert (await _payout(sessions, order_id)).status == "broadcast"
        w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

    assert await client.finalized_block() == mined.block_number
    await watcher.check()
    assert (await _payout(sessions, order_id)).status == "confirmed"
