"""The breaker is one row shared by the whole database: each test starts and ends closed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from eth_utils import keccak
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.client import ChainClient
from onramp.chain.contracts.deploy import Deployer, deploy_local
from onramp.chain.signing.hsm_signer import Pkcs11Signer, generate_secp256k1_key
from onramp.chain.signing.signer import LocalKeySigner
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.keys import Hsm
from onramp.core.settings import ANVIL_DEPLOYER_KEY, ANVIL_PAYOUT_KEY
from onramp.devstack.stack import Stack
from onramp.treasury import circuit_breaker
from onramp.treasury.risk_models import CircuitBreaker


async def _reset(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Closed as of now: what other tests announced before does not count."""
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(CircuitBreaker)
            .where(CircuitBreaker.id == 1)
            .values(
                state="closed",
                reason=None,
                trigger=None,
                vault_paused=False,
                vault_paused_elsewhere=False,
                pause_tx_id=None,
                unpause_tx_id=None,
                closed_at=utcnow(),
            )
        )


@pytest.fixture
async def closed_breaker(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[None]:
    """The breaker closed before and after; the running stack's risk worker (if e2e tests
    started it) is stopped meanwhile: it would carry a trip made here onto the stack's own
    vault (a guardian pause) that the reset below cannot take back, and every later payout
    would wait for the vault."""
    circuit_breaker.register_resume_approval()
    risk = infra.apps.get("worker-risk")
    running = risk is not None and risk.alive()
    if running:
        infra.apps["worker-risk"].stop()
    await _reset(sessions)
    yield
    await _reset(sessions)
    if running:
        infra.spawn_worker("risk")


GuardedVault = Callable[..., dict[str, Any]]


@pytest.fixture
def guarded_vault(infra: Stack) -> GuardedVault:
    """A vault of its own (funded with ``funding`` USDC base units) and a guardian key in the HSM
    holding its pauser role: the keyword arguments of a ``VaultPauser``, so the stack's vault
    stays open."""

    def make(funding: int) -> dict[str, Any]:
        rpc = infra.anvil.url
        payout = LocalKeySigner(ANVIL_PAYOUT_KEY)
        deployment = deploy_local(
            rpc,
            deployer_key=ANVIL_DEPLOYER_KEY,
            payout_address=payout.address,
            vault_funding=funding,
        )
        key_id, guardian = generate_secp256k1_key(Hsm.connect(infra.settings.hsm), "risk-guardian")
        admin = Deployer(rpc, ANVIL_DEPLOYER_KEY)  # the vault's admin in deploy_local
        admin.fund(guardian, 10**18)
        admin.call(
            "TreasuryVault", deployment.vault, "grantRole", keccak(text="PAUSER_ROLE"), guardian
        )
        return {
            "client": ChainClient(rpc),
            "guardian": Pkcs11Signer(Hsm.connect(infra.settings.hsm), key_id),
            "vault": deployment.vault,
            "usdc": deployment.usdc,
            "chain_id": infra.settings.chain.chain_id,
        }

    return make
