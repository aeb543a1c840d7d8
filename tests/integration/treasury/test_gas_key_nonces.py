"""The gas wallet's nonces are shared by the treasury executor and gas top-ups through one
allocator: a top-up never takes the nonce of an execution whose send failed (which the
reconciler sends again), and a stuck execution can be cancelled on-chain by a treasurer."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from eth_account import Account
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain.client import ChainClient
from onramp.chain.models import ChainTransaction
from onramp.chain.signing.signer import LocalKeySigner, SignedTx
from onramp.chain.transactions.confirmations import ConfirmationWatcher
from onramp.chain.transactions.fees import FeePolicy
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.devstack.stack import Stack
from onramp.treasury import proposals
from onramp.treasury.executor import ProposalExecutor
from onramp.treasury.gas import top_up_gas
from onramp.treasury.models import RebalancingProposal, TreasuryWallet
from onramp.treasury.wallets import GasPolicy, WalletKind, WalletTier, register_wallet

CHAIN_ID = 31337
ETHER = 10**18


@pytest.fixture
def w3(infra: Stack) -> Web3:
    return Web3(Web3.HTTPProvider(infra.anvil.url))


@pytest.fixture
def gas_key(w3: Web3) -> str:
    account = Account.create()
    w3.provider.make_request("anvil_setBalance", [account.address, hex(10 * ETHER)])  # type: ignore[arg-type]
    return "0x" + bytes(account.key).hex()


@pytest.fixture
def treasury_worker_off(infra: Stack) -> Iterator[None]:
    """The stack's own treasury worker (if running) must not top up this test's wallet."""
    running = "worker-treasury" in infra.apps
    if running:
        infra.apps["worker-treasury"].stop()
    yield
    if running:
        infra.spawn_worker("treasury")


@pytest.fixture
async def cleanup(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[list[object]]:
    rows: list[object] = []  # a wallet name, a proposal id, a sender address
    yield rows
    async with unit_of_work(sessions) as session:
        for row in rows:
            if isinstance(row, uuid.UUID):
                await session.execute(
                    delete(RebalancingProposal).where(RebalancingProposal.id == row)
                )
            elif isinstance(row, str) and row.startswith("0x"):
                await session.execute(
                    delete(ChainTransaction).where(
                        ChainTransaction.sender == row, ChainTransaction.replaces_id.is_not(None)
                    )
                )
                await session.execute(
                    delete(ChainTransaction).where(ChainTransaction.sender == row)
                )
            else:
                await session.execute(delete(TreasuryWallet).where(TreasuryWallet.name == row))


async def _executing(
    sessions: async_sessionmaker[AsyncSession], gas: str, signed: SignedTx, nonce: int, status: str
) -> uuid.UUID:
    """A proposal whose execution is stored (the Safe side does not matter here)."""
    proposal_id = uuid7()
    async with unit_of_work(sessions) as session:
        session.add(
            ChainTransaction(
                id=uuid7(),
                sender=gas,
                nonce=nonce,
                tx_hash=signed.tx_hash,
                raw=signed.raw,
                status=status,
            )
        )
        session.add(
            RebalancingProposal(
                id=proposal_id,
                kind="refill",
                source="warm",
                destination="vault",
                amount=1,
                reason="test",
                proposed_by="system:test",
                status="executing",
                chain_id=CHAIN_ID,
                safe_address=Account.create().address,
                safe_nonce=0,
                tx_to=Account.create().address,
                tx_data=b"",
                safe_tx_hash=uuid.uuid4().bytes * 2,
                threshold=2,
                exec_sender=gas,
                exec_tx_hash=signed.tx_hash,
                exec_raw=signed.raw,
            )
        )
    return proposal_id


async def _others_funded(sessions: async_sessionmaker[AsyncSession], w3: Web3, name: str) -> None:
    """Every key wallet but ``name`` above its gas minimum: one top-up is sent at a time, and
    the shared stack's own keys (the payout key) may have run low with its treasury worker off."""
    async with unit_of_work(sessions) as session:
        wallets = (
            await session.scalars(
                select(TreasuryWallet).where(
                    TreasuryWallet.name != name, TreasuryWallet.target_gas_wei.is_not(None)
                )
            )
        ).all()
    for wallet in wallets:
        target = int(wallet.target_gas_wei or 0)
        if w3.eth.get_balance(wallet.address) < target:  # type: ignore[arg-type]
            w3.provider.make_request("anvil_setBalance", [wallet.address, hex(target)])  # type: ignore[arg-type]


async def _sign(client: ChainClient, key: str, nonce: int) -> SignedTx:
    signer = LocalKeySigner(key)
    return signer.sign_transaction(
        {
            "type": 2,
            "chainId": CHAIN_ID,
            "nonce": nonce,
            "to": signer.address,
            "value": 0,
            "data": b"",
            "gas": 50_000,
            "maxPriorityFeePerGas": 10**9,
            "maxFeePerGas": await client.base_fee() * 2 + 10**9,
        }
    )


async def test_a_top_up_does_not_take_the_nonce_of_an_execution_whose_send_failed(
    infra: Stack,
    w3: Web3,
    sessions: async_sessionmaker[AsyncSession],
    gas_key: str,
    cleanup: list[object],
    treasury_worker_off: None,
) -> None:
    client = ChainClient(infra.anvil.url)
    gas = LocalKeySigner(gas_key)
    cleanup.append(gas.address)
    execution = await _sign(client, gas_key, 0)  # stored, its send timed out
    cleanup.append(await _executing(sessions, gas.address, execution, 0, "signed"))
    low = Account.create().address
    name = f"test-{uuid.uuid4().hex[:8]}"
    cleanup.append(name)
    async with unit_of_work(sessions) as session:
        await register_wallet(
            session,
            name=name,
            kind=WalletKind.KEY,
            tier=WalletTier.HOT,
            address=low,
            gas=GasPolicy(minimum_wei=ETHER, target_wei=2 * ETHER),
            actor="test",
        )

    await _others_funded(sessions, w3, name)
    assert await top_up_gas(sessions, client, gas, chain_id=CHAIN_ID) == 1

    async with unit_of_work(sessions) as session:
        nonces = {
            t.tx_hash: t.nonce
            for t in await session.scalars(
                select(ChainTransaction).where(ChainTransaction.sender == gas.address)
            )
        }
    assert sorted(nonces.values()) == [0, 1]  # the top-up after the execution's nonce
    assert nonces[execution.tx_hash] == 0
    # The execution's nonce is still free: the reconciler sends its stored bytes, and the
    # top-up waiting behind it is mined with it.
    executor = ProposalExecutor(sessions=sessions, client=client, signer=gas, chain_id=CHAIN_ID)
    assert (await executor.reconcile()).sent == 1
    assert w3.eth.get_transaction_count(gas.address) == 2
    assert w3.eth.get_balance(low) == 2 * ETHER


async def test_a_stuck_execution_cancelled_by_a_treasurer_is_replaced_and_the_proposal_cancelled(
    infra: Stack,
    w3: Web3,
    sessions: async_sessionmaker[AsyncSession],
    gas_key: str,
    cleanup: list[object],
    treasury_worker_off: None,
) -> None:
    client = ChainClient(infra.anvil.url)
    gas = LocalKeySigner(gas_key)
    cleanup.append(gas.address)
    executor = ProposalExecutor(sessions=sessions, client=client, signer=gas, chain_id=CHAIN_ID)
    w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    try:
        execution = await _sign(client, gas_key, 0)
        proposal_id = await _executing(sessions, gas.address, execution, 0, "broadcast")
        cleanup.append(proposal_id)
        await client.send_raw(execution.raw)  # pending: its fees too low for the market
        async with unit_of_work(sessions) as session:
            p = await proposals.cancel(
                session, proposal_id=proposal_id, actor="user:test", now=utcnow()
            )
            assert p.status == "executing"  # only the chain can take it back
        assert await executor.cancel_requested() == 1
        w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    finally:
        w3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
    assert await client.receipt(execution.tx_hash) is None  # the cancel took the nonce
    await executor.reconcile()
    watcher = ConfirmationWatcher(
        sessions=sessions, client=client, vault=gas.address, confirmations=1
    )
    await watcher.check()
    assert await executor.confirm() >= 1
    async with unit_of_work(sessions) as session:
        p = await session.get(RebalancingProposal, proposal_id)
        assert p is not None
        assert (p.status, p.failure) == ("cancelled", "execution cancelled on-chain")


async def test_a_cancel_past_the_fee_cap_is_not_signed_and_the_execution_stays_live(
    infra: Stack,
    w3: Web3,
    sessions: async_sessionmaker[AsyncSession],
    gas_key: str,
    cleanup: list[object],
    treasury_worker_off: None,
) -> None:
    client = ChainClient(infra.anvil.url)
    gas = LocalKeySigner(gas_key)
    cleanup.append(gas.address)
    capped = FeePolicy(max_fee_per_gas=1)  # below any replacement's fees
    executor = ProposalExecutor(
        sessions=sessions, client=client, signer=gas, chain_id=CHAIN_ID, fees=capped
    )
    w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    try:
        execution = await _sign(client, gas_key, 0)
        proposal_id = await _executing(sessions, gas.address, execution, 0, "broadcast")
        cleanup.append(proposal_id)
        await client.send_raw(execution.raw)
        async with unit_of_work(sessions) as session:
            await proposals.cancel(
                session, proposal_id=proposal_id, actor="user:test", now=utcnow()
            )
        assert await executor.cancel_requested() == 0
    finally:
        w3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
    async with unit_of_work(sessions) as session:
        stored = (
            await session.scalars(
                select(ChainTransaction).where(ChainTransaction.sender == gas.address)
            )
        ).all()
        p = await session.get(RebalancingProposal, proposal_id)
        assert p is not None
        assert p.status == "executing"
    assert [(t.tx_hash, t.status) for t in stored] == [(execution.tx_hash, "broadcast")]
