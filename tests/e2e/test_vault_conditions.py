"""A paused vault delays payouts and fails none (issue 13, finding 3): a payout waits, queued,
while the vault is paused, and goes out once it is unpaused, without a person; a batch mined
after the vault was paused reverts, and its payouts are queued again as new attempts."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain.artifacts import selector
from onramp.chain.models import ChainTransaction, Payout
from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer, pay
from tests.e2e.test_payout_crash import _payout_logs


def _rpc(w3: Web3, method: str, *params: Any) -> Any:
    response = w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
    assert "error" not in response, response
    return response.get("result")


class Guardian:
    """The vault's pauser, impersonated on anvil (its key stays in the HSM)."""

    def __init__(self, stack: Stack) -> None:
        assert stack.treasury is not None
        self.w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
        self.address = Web3.to_checksum_address(stack.treasury.guardian)
        self.vault = Web3.to_checksum_address(stack.deployment.vault)

    def send(self, signature: str, *, tip_gwei: int = 1) -> str:
        tx = {
            "from": self.address,
            "to": self.vault,
            "data": "0x" + selector(signature).hex(),
            "gas": hex(100_000),
            "maxPriorityFeePerGas": hex(tip_gwei * 10**9),
            "maxFeePerGas": hex(1_000 * 10**9),
        }
        return str(_rpc(self.w3, "eth_sendTransaction", tx))

    def paused(self) -> bool:
        out = self.w3.eth.call({"to": self.vault, "data": "0x" + selector("paused()").hex()})
        return bool(int.from_bytes(bytes(out), "big"))


@pytest.fixture
def guardian(stack: Stack) -> Iterator[Guardian]:
    g = Guardian(stack)
    _rpc(g.w3, "anvil_impersonateAccount", g.address)
    yield g
    _rpc(g.w3, "evm_setAutomine", True)
    if g.paused():
        g.send("unpause()")
    _rpc(g.w3, "anvil_stopImpersonatingAccount", g.address)


async def _payout_of(sessions: async_sessionmaker[AsyncSession], order_id: str) -> Payout:
    async with sessions() as session:
        payout = await session.scalar(select(Payout).where(Payout.order_id == uuid.UUID(order_id)))
    assert payout is not None
    return payout


async def test_a_paused_vault_delays_payouts_and_fails_none(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    guardian: Guardian,
) -> None:
    guardian.send("pause()")
    assert guardian.paused()
    order = await customer.order(await customer.quote("44.00"))
    await pay(bank, order)
    await customer.wait_for(order["id"], "payout_queued")
    await asyncio.sleep(3.0)  # several rounds of the payouts worker while the vault is paused
    assert (await customer.get_order(order["id"]))["state"] == "payout_queued"
    payout = await _payout_of(sessions, order["id"])
    assert (payout.status, payout.tx_id) == ("queued", None)

    guardian.send("unpause()")
    await customer.wait_for(order["id"], "completed")
    assert len(_payout_logs(stack, order["id"])) == 1


async def test_a_batch_mined_after_a_pause_reverts_and_its_payouts_go_again(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    guardian: Guardian,
) -> None:
    w3 = guardian.w3
    _rpc(w3, "evm_setAutomine", False)
    order = await customer.order(await customer.quote("46.00"))
    await pay(bank, order)
    first = (await customer.wait_for(order["id"], "payout_broadcast"))["payout"]["tx_hash"]
    # The pause outbids the payout into the same block: the payout's batch reverts.
    guardian.send("pause()", tip_gwei=50)
    _rpc(w3, "evm_mine")
    assert w3.eth.get_transaction_receipt(first)["status"] == 0
    _rpc(w3, "evm_setAutomine", True)
    _rpc(w3, "evm_mine")  # the confirmation the watcher waits for

    deadline = time.monotonic() + 30
    while (await _payout_of(sessions, order["id"])).status != "queued":
        assert time.monotonic() < deadline, "the reverted payout was not queued again"
        await asyncio.sleep(0.1)
    assert (await customer.get_order(order["id"]))["state"] in ("payout_queued", "payout_broadcast")

    guardian.send("unpause()")
    done = await customer.wait_for(order["id"], "completed")
    second = done["payout"]["tx_hash"]
    assert second != first
    assert len(_payout_logs(stack, order["id"])) == 1
    async with sessions() as session:
        reverted = await session.scalar(
            select(ChainTransaction).where(ChainTransaction.tx_hash == bytes.fromhex(first[2:]))
        )
    assert reverted is not None
    assert reverted.status == "failed"
