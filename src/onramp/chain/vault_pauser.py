"""The vault's emergency switch: ``pause()``/``unpause()`` of TreasuryVault, sent by a guardian
key holding ``PAUSER_ROLE`` (not the payout key: a breaker that trips because payouts look wrong
must not depend on the key that signs them), and its USDC balance for reconciliation checks.

Pausing is rare and must be certain, so each call waits for the receipt of its transaction.
"""

from __future__ import annotations

import asyncio
import time

from eth_abi.abi import decode

from onramp.chain.artifacts import selector
from onramp.chain.client import ChainClient
from onramp.chain.errors import NodeUnavailable
from onramp.chain.signer import Signer
from onramp.core.logging import get_logger

log = get_logger(__name__)


class VaultSwitchFailed(NodeUnavailable):
    code = "vault_switch_failed"
    title = "The vault's pause or unpause transaction did not succeed"


class VaultPauser:
    def __init__(
        self,
        *,
        client: ChainClient,
        guardian: Signer,
        vault: str,
        usdc: str,
        chain_id: int,
        receipt_timeout: float = 60.0,
    ) -> None:
        self._client = client
        self._guardian = guardian
        self._vault = vault
        self._usdc = usdc
        self._chain_id = chain_id
        self._receipt_timeout = receipt_timeout

    @property
    def guardian(self) -> str:
        return self._guardian.address

    @property
    def vault(self) -> str:
        return self._vault

    async def paused(self) -> bool:
        out = await self._client.call(self._vault, selector("paused()"))
        return bool(decode(["bool"], out)[0])

    async def vault_balance(self) -> int:
        """The vault's USDC, in base units."""
        return await self._client.token_balance(self._usdc, self._vault)

    async def pause(self) -> str | None:
        """Pause the vault; None if it already was. Returns the transaction hash."""
        if await self.paused():
            return None
        return await self._send(selector("pause()"))

    async def unpause(self) -> str | None:
        if not await self.paused():
            return None
        return await self._send(selector("unpause()"))

    async def _send(self, data: bytes) -> str:
        sender = self._guardian.address
        tx = {"from": sender, "to": self._vault, "data": "0x" + data.hex()}
        gas = await self._client.estimate_gas(tx)
        signed = self._guardian.sign_transaction(
            {
                "type": 2,
                "chainId": self._chain_id,
                "nonce": await self._client.pending_nonce(sender),
                "to": self._vault,
                "value": 0,
                "data": data,
                "gas": gas * 12 // 10,
            }
            | await self._client.fees()
        )
        await self._client.send_raw(signed.raw)
        tx_hash = "0x" + signed.tx_hash.hex()
        deadline = time.monotonic() + self._receipt_timeout
        while (receipt := await self._client.receipt(signed.tx_hash)) is None:
            if time.monotonic() > deadline:
                raise VaultSwitchFailed(f"{tx_hash} not mined in {self._receipt_timeout:.0f} s")
            await asyncio.sleep(0.2)
        if receipt.status != 1:
            raise VaultSwitchFailed(f"{tx_hash} reverted")
        log.warning("vault.switched", tx_hash=tx_hash, call=data[:4].hex())
        return tx_hash
