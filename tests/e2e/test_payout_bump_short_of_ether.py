"""A stuck payout whose fee-bumped copy the payout key cannot pay for (short of ether for the
+15 %), then the original mined: the payouts worker starts again, settles the original and the
order completes, paid once. No fault injected: the node refuses the copy for its funds."""

from __future__ import annotations

import time
import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain.models import ChainTransaction, Payout
from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer, pay
from tests.e2e.test_payout_crash import _payout_logs


async def _attempts(
    sessions: async_sessionmaker[AsyncSession], order_id: str
) -> list[ChainTransaction]:
    async with sessions() as session:
        live = (
            await session.execute(
                select(ChainTransaction)
                .join(Payout, Payout.tx_id == ChainTransaction.id)
                .where(Payout.order_id == uuid.UUID(order_id))
            )
        ).scalar_one()
        return list(
            (
                await session.scalars(
                    select(ChainTransaction).where(
                        ChainTransaction.sender == live.sender, ChainTransaction.nonce == live.nonce
                    )
                )
            ).all()
        )


async def test_a_copy_the_key_cannot_pay_for_leaves_the_original_to_settle_the_payout(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))

    def rpc(method: str, *params: object) -> None:
        response = w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
        assert "error" not in response, response

    stack.apps["worker-payouts"].stop()
    stack.spawn_worker("payouts")
    rpc("evm_setAutomine", False)
    try:
        order = await customer.order(await customer.quote("57.00"))
        await pay(bank, order)
        first_hash = (await customer.wait_for(order["id"], "payout_broadcast"))["payout"]["tx_hash"]
        first = w3.eth.get_transaction(first_hash)
        key = first["from"]
        held = w3.eth.get_balance(key)
        # Exactly what the pending original may cost: not the copy's 15 % more.
        rpc("anvil_setBalance", key, hex(first["gas"] * first["maxFeePerGas"]))
        stack.apps["worker-payouts"].stop()
        stack.spawn_worker("payouts", {"ONRAMP_CHAIN__REPLACE_AFTER_SECONDS": "1"})
        deadline = time.monotonic() + 30
        while not any(t.replaces_id is not None for t in await _attempts(sessions, order["id"])):
            assert time.monotonic() < deadline, "the stuck payout was never bumped"
            time.sleep(0.2)
        stack.apps["worker-payouts"].stop()
        rpc("anvil_setBalance", key, hex(held))
    finally:
        rpc("evm_setAutomine", True)
        rpc("evm_mine")  # the original, the only attempt the node holds
    assert w3.eth.get_transaction_receipt(first_hash)["status"] == 1
    stack.spawn_worker("payouts")  # a start with the copy stored and the original mined

    done = await customer.wait_for(order["id"], "completed")
    assert done["payout"]["tx_hash"] == first_hash
    assert len(_payout_logs(stack, order["id"])) == 1
    statuses = {("0x" + t.tx_hash.hex()): t.status for t in await _attempts(sessions, order["id"])}
    assert statuses.pop(first_hash) == "confirmed"
    assert set(statuses.values()) == {"replaced"}  # every copy
