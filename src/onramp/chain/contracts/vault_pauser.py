"""The vault's emergency switch: ``pause()``/``unpause()`` of TreasuryVault, sent by a guardian
key holding ``PAUSER_ROLE`` (not the payout key: a breaker that trips because payouts look wrong
must not depend on the key that signs them), and its USDC balance for reconciliation checks.

Like every transaction sent here, a switch is signed and stored (``chain_transactions``) before
it is sent, in the caller's database transaction, so the caller can point at it in the same
commit. Nothing waits for a receipt: ``advance`` is asked again each round, and it re-sends the
stored bytes or replaces them with higher fees until an attempt at the nonce is mined.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from eth_abi.abi import decode
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.chain.artifacts import selector
from onramp.chain.client import ChainClient
from onramp.chain.models import ChainTransaction
from onramp.chain.signing.signer import Signer
from onramp.chain.transactions import stored_tx
from onramp.chain.transactions.fees import FeePolicy
from onramp.chain.transactions.tx_sender import Call, TransactionSender
from onramp.core.logging import get_logger

log = get_logger(__name__)

Switch = Literal["pause", "unpause"]


@dataclass(frozen=True)
class PreparedSwitch:
    """What the chain says before a switch is signed (read outside any database transaction)."""

    call: Switch
    gas: int
    pending_nonce: int
    fees: dict[str, int]


class VaultPauser:
    def __init__(
        self,
        *,
        client: ChainClient,
        guardian: Signer,
        vault: str,
        usdc: str,
        chain_id: int,
        fees: FeePolicy | None = None,
        replace_after: timedelta = timedelta(seconds=30),
    ) -> None:
        self._client = client
        self._guardian = guardian
        self._vault = vault
        self._usdc = usdc
        self._chain_id = chain_id
        self._fees = fees or FeePolicy()
        self._replace_after = replace_after

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

    async def prepare(self, call: Switch) -> PreparedSwitch:
        """Estimate the switch (``ExecutionReverted`` if the vault would refuse it now: already
        in that state, or a pause the guardian may not undo) and read its nonce and fees."""
        sender = self._guardian.address
        data = selector(f"{call}()")
        gas = await self._client.estimate_gas(
            {"from": sender, "to": self._vault, "data": "0x" + data.hex()}
        )
        return PreparedSwitch(
            call=call,
            gas=gas * 12 // 10,
            pending_nonce=await self._client.pending_nonce(sender),
            fees=await self._client.fees(),
        )

    def _sender(self, sessions: async_sessionmaker[AsyncSession]) -> TransactionSender:
        return TransactionSender(
            sessions=sessions,
            client=self._client,
            signer=self._guardian,
            chain_id=self._chain_id,
            fees=self._fees,
            name="guardian",
        )

    async def store(
        self,
        sessions: async_sessionmaker[AsyncSession],
        session: AsyncSession,
        prepared: PreparedSwitch,
    ) -> ChainTransaction:
        """Sign the switch and store it in ``session`` (committed with the caller's record of
        it); no chain call."""
        call = Call(self._vault, prepared.gas, selector(f"{prepared.call}()"))
        (row,) = await self._sender(sessions).store(
            session, [call], fees=prepared.fees, pending_nonce=prepared.pending_nonce
        )
        log.warning("vault.switch_signed", call=prepared.call, tx_hash="0x" + row.tx_hash.hex())
        return row

    async def advance(
        self, sessions: async_sessionmaker[AsyncSession], tx_id: Any
    ) -> stored_tx.TxOutcome:
        """Carry a stored switch one step (sent, re-sent, replaced) and say what became of it."""
        return await stored_tx.advance(
            self._sender(sessions), tx_id, replace_after=self._replace_after
        )
