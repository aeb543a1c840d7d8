"""The dev stack's treasury: a cold and a warm Safe v1.4.1 (2 of 3 demo treasurers each), the
vault's admin role and the wallet factory's ownership handed to the cold Safe (each in two
steps, the Safe accepting with a Safe transaction the demo treasurers sign), USDC in both
Safes, the gas wallet funded, and every wallet registered with a liquidity policy.

The demo treasurers' keys are anvil's well-known accounts 7-9: on a real network each treasurer
holds their own key (a hardware wallet) and only signs; onramp never sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_account import Account

from onramp.chain import (
    USDC,
    Deployer,
    Deployment,
    create_safe,
    deploy_safe_factory,
    hand_vault_to_safe,
    hand_wallet_factory_to_safe,
)
from onramp.core.db import standalone_sessions, unit_of_work
from onramp.core.money import Money
from onramp.core.settings import ANVIL_DEPLOYER_KEY, Settings
from onramp.ledger import chain_account, credit, debit, entry, fx_account, post_entry
from onramp.treasury import GasPolicy, LiquidityPolicy, WalletKind, WalletTier, register_wallet

DEMO_TREASURER_KEYS = (
    "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
)
SAFE_THRESHOLD = 2
COLD_FUNDING = 40_000_000 * USDC
WARM_FUNDING = 2_000_000 * USDC
EXECUTOR_GAS_WEI = 100 * 10**18
GUARDIAN_GAS_WEI = 10 * 10**18
# The vault's policy, against its 10,000,000 USDC: refill below 1,000,000 up to 10,000,000;
# sweep what exceeds 20,000,000 back down to 10,000,000.
VAULT_POLICY = LiquidityPolicy(
    minimum=1_000_000 * USDC, target=10_000_000 * USDC, maximum=20_000_000 * USDC
)


# The keys that send transactions keep at least 1 ether; the gas wallet tops them up to 5.
KEY_GAS = GasPolicy(minimum_wei=10**18, target_wei=5 * 10**18)


def demo_treasurers() -> tuple[str, ...]:
    return tuple(Account.from_key(k).address for k in DEMO_TREASURER_KEYS)


@dataclass(frozen=True)
class TreasurySetup:
    cold_safe: str
    warm_safe: str
    safe_singleton: str
    safe_proxy_factory: str
    executor: str
    guardian: str
    funding_txs: dict[str, str]  # wallet -> the mint that funded it


def set_up_treasury(
    rpc_url: str, deployment: Deployment, *, executor: str, guardian: str
) -> TreasurySetup:
    d = Deployer(rpc_url, ANVIL_DEPLOYER_KEY)
    factory = deploy_safe_factory(d)
    owners = demo_treasurers()
    cold = create_safe(d, factory, owners, SAFE_THRESHOLD, salt_nonce=1)
    warm = create_safe(d, factory, owners, SAFE_THRESHOLD, salt_nonce=2)
    funding = {}
    for name, safe, amount in (("cold", cold, COLD_FUNDING), ("warm", warm, WARM_FUNDING)):
        receipt = d.call("TestUSDC", deployment.usdc, "mint", safe, amount)
        funding[name] = "0x" + bytes(receipt["transactionHash"]).hex()
    d.fund(executor, EXECUTOR_GAS_WEI)
    d.fund(guardian, GUARDIAN_GAS_WEI)
    # Sweeps go to the cold Safe only, and the cold Safe becomes the vault's only admin and the
    # owner of the customers' wallet factory (it can revoke or replace the custody key).
    d.call("TreasuryVault", deployment.vault, "setColdWallet", cold)
    signers = DEMO_TREASURER_KEYS[:SAFE_THRESHOLD]
    hand_vault_to_safe(d, deployment.vault, cold, signers)
    hand_wallet_factory_to_safe(d, deployment.wallet_factory, cold, signers)
    return TreasurySetup(
        cold_safe=cold,
        warm_safe=warm,
        safe_singleton=factory.singleton,
        safe_proxy_factory=factory.proxy_factory,
        executor=executor,
        guardian=guardian,
        funding_txs=funding,
    )


async def register_treasury(
    settings: Settings,
    deployment: Deployment,
    setup: TreasurySetup,
    *,
    payout_address: str,
    custody_address: str,
) -> None:
    """Every wallet into the registry, and the Safes' USDC into the ledger."""
    actor = "system:devstack"
    wallets = (
        ("vault", WalletKind.VAULT, WalletTier.HOT, deployment.vault, VAULT_POLICY, None),
        ("payout-key", WalletKind.KEY, WalletTier.HOT, payout_address, None, KEY_GAS),
        ("guardian", WalletKind.KEY, WalletTier.HOT, setup.guardian, None, KEY_GAS),
        ("custody", WalletKind.KEY, WalletTier.HOT, custody_address, None, KEY_GAS),
        ("gas", WalletKind.KEY, WalletTier.HOT, setup.executor, None, None),
        ("warm", WalletKind.SAFE, WalletTier.WARM, setup.warm_safe, None, None),
        ("cold", WalletKind.SAFE, WalletTier.COLD, setup.cold_safe, None, None),
    )
    async with (
        standalone_sessions(settings.database.url) as sessions,
        unit_of_work(sessions) as session,
    ):
        for name, kind, tier, address, policy, gas in wallets:
            await register_wallet(
                session,
                name=name,
                kind=kind,
                tier=tier,
                address=address,
                policy=policy,
                gas=gas,
                actor=actor,
            )
        for name, amount in (("cold", COLD_FUNDING), ("warm", WARM_FUNDING)):
            funded = Money(amount, "USDC")
            await post_entry(
                session,
                entry(
                    "treasury_funding",
                    setup.funding_txs[name],
                    debit(chain_account(name), funded),
                    credit(fx_account("USDC"), funded),
                ),
            )
