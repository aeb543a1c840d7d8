"""The JSON-RPC client against a real node: answers, and typed errors for each failure."""

from __future__ import annotations

import asyncio

import pytest
from eth_account import Account

from onramp.chain.client import ChainClient
from onramp.chain.errors import AlreadyKnown, ExecutionReverted, NodeUnavailable, NonceTooLow
from onramp.chain.paying.payout_plan import PayoutItem, payout_batch_calldata
from onramp.core.ids import uuid7
from onramp.core.settings import ANVIL_DEPLOYER_KEY
from onramp.devstack.process import free_port
from onramp.devstack.stack import Stack
from tests.faults.chain.proxy import ChainProxy

# anvil's account #9: used by no other part of the stack, so its nonces are ours here.
SPARE_KEY = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6"


async def test_reads(infra: Stack) -> None:
    client = ChainClient(infra.anvil.url)
    assert await client.chain_id() == 31337
    head = await client.block_number()
    assert head > 0
    assert len(await client.block_hash(head)) == 32
    assert await client.receipt(b"\x11" * 32) is None
    assert not await client.has_transaction(b"\x11" * 32)


async def test_a_reverting_call_is_execution_reverted(infra: Stack) -> None:
    client = ChainClient(infra.anvil.url)
    stranger = Account.from_key(ANVIL_DEPLOYER_KEY).address  # admin, but not the payout role
    data = payout_batch_calldata([PayoutItem(uuid7(), stranger, 1)])
    with pytest.raises(ExecutionReverted):
        await client.estimate_gas(
            {"from": stranger, "to": infra.deployment.vault, "data": "0x" + data.hex()}
        )


async def test_resending_and_reusing_nonces(infra: Stack) -> None:
    client = ChainClient(infra.anvil.url)
    account = Account.from_key(SPARE_KEY)
    nonce = await client.pending_nonce(account.address)
    fee = await client.base_fee() * 2 + 10**9

    def transfer(n: int, value: int) -> bytes:
        tx = {
            "type": 2,
            "chainId": 31337,
            "nonce": n,
            "to": account.address,
            "value": value,
            "gas": 21_000,
            "maxFeePerGas": fee,
            "maxPriorityFeePerGas": 10**9,
        }
        return bytes(account.sign_transaction(tx).raw_transaction)

    first = transfer(nonce, 1)
    tx_hash = await client.send_raw(first)
    # anvil mines on arrival; under load the receipt may take a moment to be served.
    for _ in range(100):
        if await client.receipt(tx_hash) is not None:
            break
        await asyncio.sleep(0.05)
    assert await client.receipt(tx_hash) is not None
    with pytest.raises((NonceTooLow, AlreadyKnown)):
        await client.send_raw(first)  # the very same bytes again
    with pytest.raises(NonceTooLow):
        await client.send_raw(transfer(nonce, 2))  # another transaction, same nonce


async def test_an_unreachable_node_is_node_unavailable() -> None:
    client = ChainClient(f"http://127.0.0.1:{free_port()}", timeout=1.0)
    with pytest.raises(NodeUnavailable):
        await client.block_number()


@pytest.mark.parametrize("status", [502, 503])
async def test_a_gateway_error_is_node_unavailable(status: int) -> None:
    # Was aiohttp's ClientResponseError, which no worker catches: the payouts worker died.
    with ChainProxy(f"http://127.0.0.1:{free_port()}") as proxy:
        proxy.set(http_status=status)
        with pytest.raises(NodeUnavailable, match=str(status)):
            await ChainClient(proxy.url, timeout=1.0).block_number()


def test_no_url_is_a_clear_error() -> None:
    with pytest.raises(NodeUnavailable):
        ChainClient("")
