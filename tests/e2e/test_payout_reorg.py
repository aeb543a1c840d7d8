"""A reorg takes the block with a payout away before it has its confirmations (one block deep, and
as deep as the confirmations allow: the block and those above it): the payout is not
confirmed on the block that vanished; its transaction is sent again, mined in another block,
and confirmed there, once; the order completes with the canonical block."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain.models import ChainTransaction, Payout
from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer, pay
from tests.e2e.test_payout_crash import _payout_logs

# Each test ends with the money checker (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("money_checked")

CONFIRMATIONS = 3


def _rpc(w3: Web3, method: str, *params: Any) -> Any:
    response = w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
    assert "error" not in response, response
    return response.get("result")


async def _payout_tx_status(sessions: async_sessionmaker[AsyncSession], order_id: str) -> str:
    async with sessions() as session:
        status = await session.scalar(
            select(ChainTransaction.status)
            .join(Payout, Payout.tx_id == ChainTransaction.id)
            .where(Payout.order_id == uuid.UUID(order_id))
        )
    return str(status)


@pytest.mark.parametrize("depth", [1, CONFIRMATIONS - 1])
async def test_a_reorged_payout_is_checked_again_and_confirmed_once(
    depth: int,
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    for name, env in (
        ("confirmations", {"ONRAMP_CHAIN__CONFIRMATIONS": str(CONFIRMATIONS)}),
        ("payouts", {"ONRAMP_CHAIN__REBROADCAST_AFTER_SECONDS": "1"}),
    ):
        stack.apps[f"worker-{name}"].stop()
        stack.spawn_worker(name, env)
    _rpc(w3, "evm_setAutomine", False)
    try:
        order = await customer.order(await customer.quote("66.00"))
        await pay(bank, order)
        tx_hash = (await customer.wait_for(order["id"], "payout_broadcast"))["payout"]["tx_hash"]
        snapshot = _rpc(w3, "evm_snapshot")
        for _ in range(depth):
            _rpc(w3, "evm_mine")
        first = w3.eth.get_transaction_receipt(tx_hash)
        assert first["status"] == 1
        first_time = int(w3.eth.get_block(first["blockNumber"])["timestamp"])
        time.sleep(1.5)  # the watcher sees it, ``depth`` confirmations of three: not final
        assert await _payout_tx_status(sessions, order["id"]) == "broadcast"

        # The reorg: the chain goes back to before that block; a different block replaces it.
        assert _rpc(w3, "evm_revert", snapshot) is True
        _rpc(w3, "anvil_dropTransaction", tx_hash)  # gone with its block
        _rpc(w3, "anvil_setNextBlockTimestamp", first_time + 100)
        for _ in range(depth):  # empty blocks at the same heights, other hashes
            _rpc(w3, "evm_mine")
        assert w3.eth.get_block(first["blockNumber"])["hash"] != first["blockHash"]
        deadline = time.monotonic() + 20
        while True:  # the payouts worker sends the same bytes again
            try:
                w3.eth.get_transaction(tx_hash)
                break
            except Exception:  # noqa: BLE001 - not in the mempool yet
                assert time.monotonic() < deadline, "the reorged payout was never re-sent"
                time.sleep(0.1)
        for _ in range(CONFIRMATIONS):
            _rpc(w3, "evm_mine")
    finally:
        _rpc(w3, "evm_setAutomine", True)
        for name in ("confirmations", "payouts"):
            stack.apps[f"worker-{name}"].stop()
            stack.spawn_worker(name)

    done = await customer.wait_for(order["id"], "completed")
    assert done["payout"]["tx_hash"] == tx_hash  # the same transaction, in another block
    second = w3.eth.get_transaction_receipt(tx_hash)
    assert second["blockHash"] != first["blockHash"]
    async with sessions() as session:
        stored = (
            await session.scalars(
                select(ChainTransaction).where(
                    ChainTransaction.tx_hash == bytes.fromhex(tx_hash[2:])
                )
            )
        ).one()
    assert stored.status == "confirmed"
    assert stored.block_hash == bytes(second["blockHash"])
    assert stored.block_number == second["blockNumber"]
    assert len(_payout_logs(stack, order["id"])) == 1
