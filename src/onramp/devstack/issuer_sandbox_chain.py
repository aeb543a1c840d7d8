"""The issuer sandbox's own hands on the chain: its minter key mints TestUSDC, and USDC sent to its
deposit address (the minter's own address) is found in the logs and burned with TestUSDC's
``burn``, which takes it out of the supply as the real issuer does.

The key stays in the sandbox process, as the real issuer's keys stay with the issuer. Locally it
is one of anvil's public test accounts, made a minter with an allowance by the master minter at
devstack start (:func:`configure_minter`), FiatToken-style.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from eth_account import Account
from eth_utils.crypto import keccak
from web3 import Web3

from onramp.chain import Deployer

# anvil's test account #6 (public, local chains only): the sandbox issuer's minter.
SANDBOX_MINTER_KEY = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e"  # noqa: S105
# What the sandbox issuer may mint in all (the master minter can raise it): 10 billion USDC.
SANDBOX_MINT_ALLOWANCE = 10_000_000_000 * 10**6
_TRANSFER_TOPIC = "0x" + keccak(text="Transfer(address,address,uint256)").hex()


def minter_address(private_key: str = SANDBOX_MINTER_KEY) -> str:
    address: str = Account.from_key(private_key).address
    return address


def configure_minter(
    rpc_url: str,
    *,
    usdc: str,
    admin_key: str,
    minter: str,
    allowance: int = SANDBOX_MINT_ALLOWANCE,
) -> None:
    """TestUSDC's master minter lets ``minter`` mint up to ``allowance``."""
    Deployer(rpc_url, admin_key).call("TestUSDC", usdc, "configureMinter", minter, allowance)


@dataclass(frozen=True)
class Incoming:
    """USDC that arrived at the deposit address."""

    tx_hash: str
    sender: str
    amount: int  # USDC base units


class IssuerToken(Protocol):
    """What the sandbox issuer does on-chain (a fake in unit tests, anvil in the devstack)."""

    @property
    def deposit_address(self) -> str: ...

    async def mint(self, to: str, amount: int) -> str:
        """Mint and wait for the receipt; the transaction hash. Raises on a revert."""
        ...

    async def incoming(self) -> list[Incoming]:
        """Transfers to the deposit address since the last call."""
        ...

    async def burn(self, amount: int) -> str:
        """Take ``amount`` held at the deposit address out of circulation."""
        ...


class AnvilToken:
    """TestUSDC on a local chain, driven with the sandbox's minter key. One transaction at a
    time (a lock), so its nonces never race."""

    def __init__(self, rpc_url: str, usdc: str, private_key: str = SANDBOX_MINTER_KEY) -> None:
        self._rpc_url = rpc_url
        self._usdc = Web3.to_checksum_address(usdc)
        self._key = private_key
        self._address = minter_address(private_key)
        self._deployer: Deployer | None = None
        self._lock = asyncio.Lock()
        self._next_block: int | None = None

    @property
    def deposit_address(self) -> str:
        return self._address

    def _chain(self) -> Deployer:
        if self._deployer is None:
            self._deployer = Deployer(self._rpc_url, self._key)
        return self._deployer

    async def _call(self, function: str, *args: object) -> str:
        async with self._lock:
            receipt = await asyncio.to_thread(
                self._chain().call, "TestUSDC", self._usdc, function, *args
            )
        return "0x" + bytes(receipt["transactionHash"]).hex()

    async def mint(self, to: str, amount: int) -> str:
        return await self._call("mint", Web3.to_checksum_address(to), amount)

    async def burn(self, amount: int) -> str:
        return await self._call("burn", amount)

    async def incoming(self) -> list[Incoming]:
        return await asyncio.to_thread(self._scan)

    def _scan(self) -> list[Incoming]:
        w3 = self._chain().w3
        head = int(w3.eth.block_number)
        start = head if self._next_block is None else self._next_block
        if start > head:
            return []
        to_topic = "0x" + bytes.fromhex(self._address[2:]).rjust(32, b"\0").hex()
        logs = w3.eth.get_logs(
            {
                "fromBlock": start,
                "toBlock": head,
                "address": self._usdc,
                "topics": [_TRANSFER_TOPIC, None, to_topic],
            }
        )
        self._next_block = head + 1
        return [
            Incoming(
                tx_hash="0x" + bytes(log["transactionHash"]).hex(),
                sender=Web3.to_checksum_address(bytes(log["topics"][1])[-20:]),
                amount=int.from_bytes(bytes(log["data"]), "big"),
            )
            for log in logs
        ]
