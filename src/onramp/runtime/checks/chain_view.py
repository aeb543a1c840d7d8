"""What the chain says at one block: each treasury wallet's USDC and the vault's ``Payout``
events per order id. One ``eth_getLogs`` for the events and one ``balanceOf`` per wallet, all
at the same block, so the books can be held against a single point of the chain."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from onramp.chain import ChainClient, order_id_from_bytes32, topic

PAYOUT = topic("Payout(bytes32,address,uint256)")


@dataclass(frozen=True)
class ChainWatch:
    """Where to look: the node, the USDC token, the payout vault."""

    rpc_url: str
    usdc: str
    vault: str


@dataclass(frozen=True)
class ChainView:
    block: int
    vault: str
    balances: dict[str, int]  # wallet name -> USDC base units at ``block``
    addresses: dict[str, str]  # wallet name -> address
    payouts: Counter[uuid.UUID]  # order id -> Payout events in [from_block, block]


async def read_chain_view(
    watch: ChainWatch, wallets: dict[str, str], *, from_block: int
) -> ChainView:
    client = ChainClient(watch.rpc_url)
    try:
        block = await client.block_number()
        balances = {
            name: await client.token_balance(watch.usdc, address, block=block)
            for name, address in sorted(wallets.items())
        }
        # Nothing mined since ``from_block`` (a chain mines only when sent something): no events.
        logs = (
            await client.logs(watch.vault, [PAYOUT], from_block, block)
            if from_block <= block
            else []
        )
    finally:
        await client.w3.provider.disconnect()  # its HTTP session, made for this one read
    paid = Counter(order_id_from_bytes32(bytes(log["topics"][1])) for log in logs)
    return ChainView(block, watch.vault, balances, wallets, paid)
