"""What the treasury reads from the chain: USDC and ether balances, and a Safe's owners,
threshold and nonce (always read, never cached: owners can change by a Safe transaction)."""

from __future__ import annotations

from dataclasses import dataclass

from eth_abi.abi import decode, encode
from eth_utils.address import to_checksum_address

from onramp.chain.artifacts import selector
from onramp.chain.client import ChainClient


async def usdc_balance(client: ChainClient, usdc: str, owner: str) -> int:
    data = selector("balanceOf(address)") + encode(["address"], [owner])
    (value,) = decode(["uint256"], await client.call(usdc, data))
    return int(value)


@dataclass(frozen=True)
class SafeState:
    owners: tuple[str, ...]
    threshold: int
    nonce: int


async def safe_state(client: ChainClient, safe: str) -> SafeState:
    (owners,) = decode(["address[]"], await client.call(safe, selector("getOwners()")))
    (threshold,) = decode(["uint256"], await client.call(safe, selector("getThreshold()")))
    (nonce,) = decode(["uint256"], await client.call(safe, selector("nonce()")))
    return SafeState(
        owners=tuple(to_checksum_address(o) for o in owners),
        threshold=int(threshold),
        nonce=int(nonce),
    )
