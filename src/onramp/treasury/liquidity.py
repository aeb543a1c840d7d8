"""The liquidity check: each wallet's USDC (read from the chain, less what queued payouts will
take) against its policy. Below the minimum it proposes a refill up to the target from the
warm Safe, or the cold Safe if the warm one cannot cover it; above the maximum it proposes a
sweep of the excess over the target to the cold Safe. Proposals still need the treasurers'
signatures: the check never moves money by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain import ChainClient, reserved_for_payouts
from onramp.core import metrics
from onramp.core.logging import get_logger
from onramp.treasury.errors import InsufficientSourceFunds, ProposalAlreadyOpen
from onramp.treasury.models import (
    OPEN_PROPOSAL,
    ProposalKind,
    RebalancingProposal,
    TreasuryWallet,
    WalletKind,
    WalletTier,
)
from onramp.treasury.proposals import propose
from onramp.treasury.wallets import LiquidityPolicy, wallets

log = get_logger(__name__)
SYSTEM = "system:liquidity"


@dataclass(frozen=True)
class WalletLiquidity:
    wallet: TreasuryWallet
    policy: LiquidityPolicy
    balance: int
    reserved: int

    @property
    def available(self) -> int:
        return self.balance - self.reserved

    @property
    def state(self) -> str:
        if self.policy.minimum is not None and self.available < self.policy.minimum:
            return "below_minimum"
        if self.policy.maximum is not None and self.balance > self.policy.maximum:
            return "above_maximum"
        return "ok"


async def liquidity(
    session: AsyncSession, client: ChainClient, *, usdc: str
) -> list[WalletLiquidity]:
    reserved = await reserved_for_payouts(session)
    out = []
    for w in await wallets(session):
        out.append(
            WalletLiquidity(
                wallet=w,
                policy=LiquidityPolicy.of(w),
                balance=await client.token_balance(usdc, w.address),
                reserved=reserved if w.kind == WalletKind.VAULT.value else 0,
            )
        )
    return out


async def _has_open(session: AsyncSession, *, kind: ProposalKind, wallet: str) -> bool:
    side = (
        RebalancingProposal.destination
        if kind is ProposalKind.REFILL
        else RebalancingProposal.source
    )
    found = await session.scalar(
        select(RebalancingProposal.id)
        .where(
            RebalancingProposal.kind == kind.value,
            side == wallet,
            RebalancingProposal.status.in_(OPEN_PROPOSAL),
        )
        .limit(1)
    )
    return found is not None


async def _propose_or_skip(
    session: AsyncSession, client: ChainClient, **kwargs: Any
) -> list[RebalancingProposal]:
    try:
        async with session.begin_nested():
            return [await propose(session, client, **kwargs)]
    except (ProposalAlreadyOpen, InsufficientSourceFunds) as exc:
        # The Safe is busy with another proposal, or the balance moved: the next check retries.
        log.warning("treasury.proposal_skipped", error=exc.code, detail=exc.detail)
        return []


async def _refill(
    session: AsyncSession,
    client: ChainClient,
    pos: WalletLiquidity,
    safes: Sequence[WalletLiquidity],
    *,
    target: int,
    usdc: str,
    chain_id: int,
) -> list[RebalancingProposal]:
    """Propose a refill of a wallet below its minimum up to its target."""
    if await _has_open(session, kind=ProposalKind.REFILL, wallet=pos.wallet.name):
        return []
    amount = target - pos.available
    # The warm Safe first (fewer, nearer keys), the cold one if the warm cannot cover it.
    sources = sorted(
        (s for s in safes if s.wallet.name != pos.wallet.name and s.balance >= amount),
        key=lambda s: s.wallet.tier != WalletTier.WARM.value,
    )
    if not sources:
        log.error("treasury.refill_unfunded", wallet=pos.wallet.name, amount=amount)
        return []
    return await _propose_or_skip(
        session,
        client,
        kind=ProposalKind.REFILL,
        source=sources[0].wallet.name,
        destination=pos.wallet.name,
        amount=amount,
        reason=(
            f"{pos.wallet.name}: {pos.available} available (balance {pos.balance}, "
            f"reserved {pos.reserved}) is below the minimum {pos.policy.minimum}"
        ),
        proposed_by=SYSTEM,
        usdc=usdc,
        chain_id=chain_id,
    )


async def _sweep(
    session: AsyncSession,
    client: ChainClient,
    pos: WalletLiquidity,
    cold: WalletLiquidity,
    *,
    target: int,
    usdc: str,
    chain_id: int,
) -> list[RebalancingProposal]:
    """Propose a sweep of the vault's excess over its target to the cold Safe."""
    if await _has_open(session, kind=ProposalKind.SWEEP, wallet=pos.wallet.name):
        return []
    return await _propose_or_skip(
        session,
        client,
        kind=ProposalKind.SWEEP,
        source=pos.wallet.name,
        destination=cold.wallet.name,
        amount=pos.balance - target,
        reason=(
            f"{pos.wallet.name}: balance {pos.balance} is above the maximum {pos.policy.maximum}"
        ),
        proposed_by=SYSTEM,
        usdc=usdc,
        chain_id=chain_id,
    )


async def check_liquidity(
    session: AsyncSession, client: ChainClient, *, usdc: str, chain_id: int
) -> list[RebalancingProposal]:
    """Propose what the policies call for; return the new proposals."""
    positions = await liquidity(session, client, usdc=usdc)
    metrics.wallet_liquidity(
        [
            (
                f"{p.wallet.kind}_{p.wallet.tier}",
                p.balance,
                (p.policy.minimum, p.policy.target, p.policy.maximum),
            )
            for p in positions
        ]
    )
    safes = [p for p in positions if p.wallet.kind == WalletKind.SAFE.value]
    cold = next((p for p in safes if p.wallet.tier == WalletTier.COLD.value), None)
    made: list[RebalancingProposal] = []
    for pos in positions:
        target = pos.policy.target
        if pos.state == "below_minimum" and target is not None:
            made += await _refill(
                session, client, pos, safes, target=target, usdc=usdc, chain_id=chain_id
            )
        elif (
            pos.state == "above_maximum"
            and target is not None
            and pos.wallet.kind == WalletKind.VAULT.value
            and cold is not None
        ):
            made += await _sweep(
                session, client, pos, cold, target=target, usdc=usdc, chain_id=chain_id
            )
    return made
