"""What the treasury reads from a Safe: its owners, threshold and nonce (always read, never
cached: owners can change by a Safe transaction)."""

from __future__ import annotations

from dataclasses import dataclass

from eth_abi.abi import decode
from eth_utils.address import to_checksum_address

from onramp.chain import ChainClient, selector


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
