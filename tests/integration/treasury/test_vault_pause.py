"""On anvil: a tripped breaker pauses the vault through the guardian key (in the HSM), a payout
then reverts; a four-eyes resume unpauses it. A vault of its own, so the stack's stays open."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from eth_utils import keccak
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.client import ChainClient
from onramp.chain.deploy import Deployer, deploy_local
from onramp.chain.errors import ExecutionReverted
from onramp.chain.hsm_signer import Pkcs11Signer, generate_secp256k1_key
from onramp.chain.payouts import _Item, payout_batch_calldata
from onramp.chain.signer import LocalKeySigner
from onramp.chain.vault_pauser import VaultPauser
from onramp.core.clock import SystemClock, utcnow
from onramp.core.db import unit_of_work
from onramp.core.keys import Hsm
from onramp.core.settings import ANVIL_DEPLOYER_KEY, ANVIL_PAYOUT_KEY
from onramp.devstack.stack import Stack
from onramp.identity.approvals import FourEyesViolation
from onramp.identity.permissions import Role
from onramp.identity.tokens import Principal
from onramp.treasury import circuit_breaker
from onramp.treasury.risk_monitor import RiskMonitor, TripPolicy

U = 10**6


def staff() -> Principal:
    return Principal(user_id=uuid.uuid4(), role=Role.TREASURER.value, session_id=uuid.uuid4())


@pytest.fixture
def pauser(infra: Stack) -> VaultPauser:
    rpc = infra.anvil.url
    payout = LocalKeySigner(ANVIL_PAYOUT_KEY)
    deployment = deploy_local(
        rpc, deployer_key=ANVIL_DEPLOYER_KEY, payout_address=payout.address, vault_funding=1_000 * U
    )
    key_id, guardian = generate_secp256k1_key(Hsm.connect(infra.settings.hsm), "risk-guardian")
    admin = Deployer(rpc, ANVIL_DEPLOYER_KEY)  # the vault's admin in deploy_local
    admin.fund(guardian, 10**18)
    admin.call("TreasuryVault", deployment.vault, "grantRole", keccak(text="PAUSER_ROLE"), guardian)
    return VaultPauser(
        client=ChainClient(rpc),
        guardian=Pkcs11Signer(Hsm.connect(infra.settings.hsm), key_id),
        vault=deployment.vault,
        usdc=deployment.usdc,
        chain_id=infra.settings.chain.chain_id,
    )


async def _payout_reverts(pauser: VaultPauser, client: ChainClient) -> bool:
    payout = LocalKeySigner(ANVIL_PAYOUT_KEY)
    data = payout_batch_calldata([_Item(uuid.uuid4(), "0x" + "33" * 20, U)])
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
