"""On anvil: a tripped breaker pauses the vault through the guardian key (in the HSM), a payout
then reverts; a four-eyes resume unpauses it. A vault of its own, so the stack's stays open."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from eth_account.typed_transactions.typed_transaction import TypedTransaction
from eth_utils import keccak
from hexbytes import HexBytes
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.auth.permissions import Role
from onramp.auth.tokens import Principal
from onramp.chain.client import ChainClient
from onramp.chain.contracts.deploy import Deployer
from onramp.chain.contracts.vault_pauser import VaultPauser
from onramp.chain.errors import ExecutionReverted
from onramp.chain.models import ChainTransaction
from onramp.chain.paying.payout_plan import PayoutItem, payout_batch_calldata
from onramp.chain.signing.signer import LocalKeySigner
from onramp.chain.transactions.fees import FeePolicy
from onramp.core.clock import SystemClock, utcnow
from onramp.core.db import unit_of_work
from onramp.core.settings import ANVIL_DEPLOYER_KEY, ANVIL_PAYOUT_KEY
from onramp.devstack.stack import Stack
from onramp.identity.staff.approvals import FourEyesViolation
from onramp.treasury import circuit_breaker
from onramp.treasury.risk_models import CircuitBreaker
from onramp.treasury.risk_monitor import RiskMonitor, TripPolicy
from tests.integration.treasury.conftest import GuardedVault

U = 10**6
PAUSER_ROLE = keccak(text="PAUSER_ROLE")


def staff() -> Principal:
    return Principal(user_id=uuid.uuid4(), role=Role.TREASURER.value, session_id=uuid.uuid4())


@pytest.fixture
def guardian(guarded_vault: GuardedVault) -> dict[str, Any]:
    return guarded_vault(1_000 * U)


@pytest.fixture
def pauser(guardian: dict[str, Any]) -> VaultPauser:
    return VaultPauser(**guardian)


async def _payout_reverts(pauser: VaultPauser, client: ChainClient) -> bool:
    payout = LocalKeySigner(ANVIL_PAYOUT_KEY)
    data = payout_batch_calldata([PayoutItem(uuid.uuid4(), "0x" + "33" * 20, U)])
    tx = {"from": payout.address, "to": pauser.vault, "data": "0x" + data.hex()}
    try:
        await client.estimate_gas(tx)
    except ExecutionReverted:
        return True
    return False


async def test_tripping_pauses_the_vault_and_a_four_eyes_resume_unpauses_it(
    closed_breaker: None,
    infra: Stack,
    sessions: async_sessionmaker[AsyncSession],
    pauser: VaultPauser,
) -> None:
    client = ChainClient(infra.anvil.url)
    policy = TripPolicy(1000, timedelta(minutes=15), 0, peg_deviation_trips=False)
    monitor = RiskMonitor(sessions, policy=policy, clock=SystemClock(), vault=pauser)
    assert not await pauser.paused()
    assert not await _payout_reverts(pauser, client)
    assert await pauser.vault_balance() == 1_000 * U

    async with unit_of_work(sessions) as session:
        await circuit_breaker.trip(session, "reconciliation break", {"gap": "5"})
    await monitor.sync_vault()

    assert await pauser.paused()
    assert await _payout_reverts(pauser, client)
    async with unit_of_work(sessions) as session:
        assert (await circuit_breaker.current_state(session)).vault_paused

    alice, bob = staff(), staff()
    async with unit_of_work(sessions) as session:
        approval_id = await circuit_breaker.request_resume(
            session, requester=alice, reason="ledger corrected", now=utcnow()
        )
    with pytest.raises(FourEyesViolation):
        async with unit_of_work(sessions) as session:
            await circuit_breaker.approve_resume(
                session, request_id=approval_id, approver=alice, reason=None, now=utcnow()
            )
    await monitor.sync_vault()
    assert await pauser.paused()  # a refused approval changes nothing

    async with unit_of_work(sessions) as session:
        await circuit_breaker.approve_resume(
            session, request_id=approval_id, approver=bob, reason="checked", now=utcnow()
        )
    await monitor.sync_vault()

    assert not await pauser.paused()
    assert not await _payout_reverts(pauser, client)
    async with unit_of_work(sessions) as session:
        row = await circuit_breaker.current_state(session)
        assert (row.state, row.vault_paused) == ("closed", False)


def _rpc(infra: Stack, method: str, *params: object) -> object:
    w3 = Web3(Web3.HTTPProvider(infra.anvil.url))
    response = w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
    assert "error" not in response, response
    return response.get("result")


@contextmanager
def automine_off(infra: Stack) -> Iterator[None]:
    """Nothing is mined until the test mines a block (the shared anvil mines again after)."""
    _rpc(infra, "evm_setAutomine", False)
    try:
        yield
    finally:
        _rpc(infra, "evm_setAutomine", True)
        _rpc(infra, "evm_mine")


async def _resume(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Four eyes: one asks, another approves; the breaker goes to resuming."""
    async with unit_of_work(sessions) as session:
        approval_id = await circuit_breaker.request_resume(
            session, requester=staff(), reason="checked", now=utcnow()
        )
    async with unit_of_work(sessions) as session:
        await circuit_breaker.approve_resume(
            session, request_id=approval_id, approver=staff(), reason="agreed", now=utcnow()
        )


async def _breaker(sessions: async_sessionmaker[AsyncSession]) -> CircuitBreaker:
    async with unit_of_work(sessions) as session:
        return await circuit_breaker.current_state(session)


async def test_a_pause_mined_after_the_wait_is_the_breakers_and_resuming_unpauses_it(
    closed_breaker: None,
    infra: Stack,
    sessions: async_sessionmaker[AsyncSession],
    pauser: VaultPauser,
) -> None:
    policy = TripPolicy(1000, timedelta(minutes=15), 0, peg_deviation_trips=False)
    monitor = RiskMonitor(sessions, policy=policy, clock=SystemClock(), vault=pauser)
    async with unit_of_work(sessions) as session:
        await circuit_breaker.trip(session, "drill", {}, trigger="manual")
    with automine_off(infra):
        await monitor.sync_vault()  # the pause is sent, and not mined
        assert not await pauser.paused()
        row = await _breaker(sessions)
        assert (row.state, row.vault_paused) == ("open", False)

        await _resume(sessions)
        await monitor.sync_vault()
        # The breaker's own pause may still be mined: closing now would close on a vault that
        # pauses a moment later.
        assert (await _breaker(sessions)).state == "resuming"

        _rpc(infra, "evm_mine")  # the pause, mined late
        assert await pauser.paused()
        await monitor.sync_vault()  # recognised as the breaker's own: unpaused (sent)
        row = await _breaker(sessions)
        assert row.state == "resuming"  # the vault is still paused
        assert row.vault_paused

        _rpc(infra, "evm_mine")  # the unpause
        assert not await pauser.paused()
        await monitor.sync_vault()
    row = await _breaker(sessions)
    assert (row.state, row.vault_paused) == ("closed", False)
    assert not await pauser.paused()
    async with unit_of_work(sessions) as session:
        pause = await session.get(ChainTransaction, row.pause_tx_id)
        assert pause is not None
        assert pause.sender == pauser.guardian


async def test_a_stuck_pause_is_replaced_with_higher_fees_and_still_counts_as_the_breakers(
    closed_breaker: None,
    infra: Stack,
    sessions: async_sessionmaker[AsyncSession],
    guardian: dict[str, Any],
    pauser: VaultPauser,
) -> None:
    eager = VaultPauser(**guardian, fees=FeePolicy(bump_percent=20), replace_after=timedelta(0))
    policy = TripPolicy(1000, timedelta(minutes=15), 0, peg_deviation_trips=False)
    monitor = RiskMonitor(sessions, policy=policy, clock=SystemClock(), vault=eager)
    async with unit_of_work(sessions) as session:
        await circuit_breaker.trip(session, "drill", {}, trigger="manual")
    with automine_off(infra):
        await monitor.sync_vault()  # sent
        await monitor.sync_vault()  # not mined: replaced, same nonce, fees raised
        row = await _breaker(sessions)
        async with unit_of_work(sessions) as session:
            first = await session.get(ChainTransaction, row.pause_tx_id)
            assert first is not None
            attempts = (
                await session.scalars(
                    select(ChainTransaction)
                    .where(
                        ChainTransaction.sender == first.sender,
                        ChainTransaction.nonce == first.nonce,
                    )
                    .order_by(ChainTransaction.created_at)
                )
            ).all()
        assert len(attempts) >= 2
        assert attempts[0].status == "replaced"
        assert attempts[-1].replaces_id == attempts[-2].id
        fee = [_max_fee(a.raw) for a in attempts]
        assert fee[1] >= fee[0] * 120 // 100
        _rpc(infra, "evm_mine")
        assert await pauser.paused()
        await monitor.sync_vault()
    assert (await _breaker(sessions)).vault_paused  # the replacement is the breaker's pause
    await _resume(sessions)
    await monitor.sync_vault()  # unpause sent and mined
    await monitor.sync_vault()
    assert not await pauser.paused()
    assert (await _breaker(sessions)).state == "closed"


def _max_fee(raw: bytes) -> int:
    return int(TypedTransaction.from_bytes(HexBytes(raw)).as_dict()["maxFeePerGas"])


async def test_a_vault_paused_by_someone_else_is_never_the_breakers_nor_unpaused_by_it(
    closed_breaker: None,
    infra: Stack,
    sessions: async_sessionmaker[AsyncSession],
    pauser: VaultPauser,
) -> None:
    admin = Deployer(infra.anvil.url, ANVIL_DEPLOYER_KEY)  # the vault's admin in deploy_local
    # Today the admin pauses through a pauser role of its own (the Safe's pause).
    admin.call("TreasuryVault", pauser.vault, "grantRole", PAUSER_ROLE, admin.account.address)
    policy = TripPolicy(1000, timedelta(minutes=15), 0, peg_deviation_trips=False)
    monitor = RiskMonitor(sessions, policy=policy, clock=SystemClock(), vault=pauser)

    admin.call("TreasuryVault", pauser.vault, "pause")
    await monitor.sync_vault()
    row = await _breaker(sessions)
    assert (row.state, row.vault_paused) == ("closed", False)  # not a trip of the breaker

    async with unit_of_work(sessions) as session:
        await circuit_breaker.trip(session, "drill", {}, trigger="manual")
    await monitor.sync_vault()
    assert not (await _breaker(sessions)).vault_paused  # already paused: the pause is not ours

    await _resume(sessions)
    await monitor.sync_vault()
    await monitor.sync_vault()
    assert await pauser.paused()  # the guardian never undoes someone else's pause
    row = await _breaker(sessions)
    assert row.state == "resuming"  # and the breaker does not close on a paused vault
    assert row.vault_paused_elsewhere
    assert row.pause_tx_id is None

    admin.call("TreasuryVault", pauser.vault, "unpause")  # whoever paused it unpauses it
    await monitor.sync_vault()
    row = await _breaker(sessions)
    assert (row.state, row.vault_paused, row.vault_paused_elsewhere) == ("closed", False, False)
