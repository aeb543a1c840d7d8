"""On a local chain, the vault's admin (anvil's deployer in the dev stack) moves USDC out of the
vault with ``sweep``: the :class:`~onramp.treasury.issuer.UsdcSender` a redeem uses locally. In
production the cold Safe's owners sign that transaction; this refuses to run there."""

from __future__ import annotations

import asyncio

from web3 import Web3

from onramp.chain.deploy import Deployer
from onramp.chain.signer import LocalKeyInProduction
from onramp.core.money import Money
from onramp.core.settings import ANVIL_DEPLOYER_KEY, running_in_production


class LocalVaultSweep:
    def __init__(self, rpc_url: str, vault: str, admin_key: str = ANVIL_DEPLOYER_KEY) -> None:
        if running_in_production():
            raise LocalKeyInProduction("the vault's admin is the cold Safe in production")
        self._rpc_url = rpc_url
        self._vault = Web3.to_checksum_address(vault)
        self._key = admin_key

    async def send_usdc(self, to: str, amount: Money) -> str:
        def sweep() -> str:
            deployer = Deployer(self._rpc_url, self._key)
            target = Web3.to_checksum_address(to)
            receipt = deployer.call("TreasuryVault", self._vault, "sweep", target, amount.minor)
            return "0x" + bytes(receipt["transactionHash"]).hex()

        return await asyncio.to_thread(sweep)
