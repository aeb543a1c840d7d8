"""On a local chain, the cold Safe sends USDC for a redeem: the
:class:`~onramp.treasury.issuer.UsdcSender` the dev stack uses.

The two signatures the Safe needs come from the demo treasurers' keys, which the dev stack knows
because they are anvil's public test accounts. In production the treasurers sign that Safe
transaction themselves (a proposal, ``/v1/admin/treasury/proposals``); this refuses to run there.
"""

from __future__ import annotations

import asyncio

from web3 import Web3

from onramp.chain import Deployer, LocalKeyInProduction, erc20_transfer_calldata, exec_as_safe
from onramp.core.money import Money
from onramp.core.settings import ANVIL_DEPLOYER_KEY, running_in_production
from onramp.devstack.treasury_setup import DEMO_TREASURER_KEYS, SAFE_THRESHOLD


class ColdSafeSender:
    wallet = "cold"  # the registry's name of the wallet the USDC leaves

    def __init__(self, rpc_url: str, usdc: str, safe: str) -> None:
        if running_in_production():
            raise LocalKeyInProduction("in production the treasurers sign the cold Safe's moves")
        self._rpc_url = rpc_url
        self._usdc = Web3.to_checksum_address(usdc)
        self._safe = Web3.to_checksum_address(safe)

    async def send_usdc(self, to: str, amount: Money) -> str:
        return await asyncio.to_thread(self._send, Web3.to_checksum_address(to), amount.minor)

    def _send(self, to: str, amount: int) -> str:
        executor = Deployer(self._rpc_url, ANVIL_DEPLOYER_KEY)
        receipt = exec_as_safe(
            executor,
            self._safe,
            self._usdc,
            erc20_transfer_calldata(to, amount),
            DEMO_TREASURER_KEYS[:SAFE_THRESHOLD],
        )
        return "0x" + bytes(receipt["transactionHash"]).hex()
