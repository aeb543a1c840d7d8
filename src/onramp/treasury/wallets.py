"""The wallet registry: every address the operator holds, its tier and its liquidity policy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.chain import checksum, register_controlled
from onramp.core.audit import record
from onramp.core.db import as_int
from onramp.treasury.errors import PolicyInvalid, WalletNotFound
from onramp.treasury.models import TreasuryWallet, WalletKind, WalletTier


@dataclass(frozen=True)
class LiquidityPolicy:
    """USDC base units. Below ``minimum`` the wallet is refilled up to ``target``; above
    ``maximum`` the excess over ``target`` goes to cold storage. Each bound may be absent."""

    minimum: int | None = None
    target: int | None = None
    maximum: int | None = None

    def __post_init__(self) -> None:
        bounds = [b for b in (self.minimum, self.target, self.maximum) if b is not None]
        if any(b < 0 for b in bounds) or bounds != sorted(bounds):
            raise PolicyInvalid(
                f"minimum {self.minimum}, target {self.target}, maximum {self.maximum}"
            )
        if (self.minimum is not None or self.maximum is not None) and self.target is None:
            raise PolicyInvalid("a minimum or maximum needs a target to refill or sweep to")

    @staticmethod
    def of(wallet: TreasuryWallet) -> LiquidityPolicy:
        def opt(v: object) -> int | None:
            return None if v is None else as_int(v)

        return LiquidityPolicy(opt(wallet.min_usdc), opt(wallet.target_usdc), opt(wallet.max_usdc))


@dataclass(frozen=True)
class GasPolicy:
    """Ether for an HSM key that sends transactions: below the minimum, the gas wallet tops it
    up to the target."""

    minimum_wei: int
    target_wei: int

    def __post_init__(self) -> None:
        if not 0 <= self.minimum_wei <= self.target_wei:
            raise PolicyInvalid(f"gas minimum {self.minimum_wei}, target {self.target_wei}")


async def register_wallet(
    session: AsyncSession,
    *,
    name: str,
    kind: WalletKind,
    tier: WalletTier,
    address: str,
    policy: LiquidityPolicy | None = None,
    gas: GasPolicy | None = None,
    actor: str,
) -> None:
    """Add a wallet (or update the address and kind of one with this name)."""
    policy = policy or LiquidityPolicy()
    checksummed = checksum(address)
    values = {
        "name": name,
        "kind": kind.value,
        "tier": tier.value,
        "address": checksummed,
        "min_usdc": policy.minimum,
        "target_usdc": policy.target,
        "max_usdc": policy.maximum,
        "min_gas_wei": gas.minimum_wei if gas else None,
        "target_gas_wei": gas.target_wei if gas else None,
    }
    # The treasury's wallets are never a customer's destination.
    await register_controlled(session, {checksummed: f"treasury wallet {name}"})
    stmt = insert(TreasuryWallet).values(**values)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[TreasuryWallet.name],
            set_={"kind": stmt.excluded.kind, "tier": stmt.excluded.tier},
        )
    )
    await record(
        session,
        actor=actor,
        action="treasury.wallet_registered",
        entity_type="treasury_wallet",
        entity_id=name,
        data={k: (str(v) if v is not None else None) for k, v in values.items()},
    )


async def wallets(session: AsyncSession) -> Sequence[TreasuryWallet]:
    return (await session.scalars(select(TreasuryWallet).order_by(TreasuryWallet.name))).all()


async def wallet(session: AsyncSession, name: str, *, for_update: bool = False) -> TreasuryWallet:
    found = await session.get(TreasuryWallet, name, with_for_update=for_update)
    if found is None:
        raise WalletNotFound(name)
    return found


async def set_policy(
    session: AsyncSession, *, name: str, policy: LiquidityPolicy, actor: str
) -> TreasuryWallet:
    row = await wallet(session, name, for_update=True)
    before = LiquidityPolicy.of(row)
    row.min_usdc, row.target_usdc, row.max_usdc = policy.minimum, policy.target, policy.maximum
    await record(
        session,
        actor=actor,
        action="treasury.policy_changed",
        entity_type="treasury_wallet",
        entity_id=name,
        data={"before": before.__dict__, "after": policy.__dict__},
    )
    await session.flush()
    return row
