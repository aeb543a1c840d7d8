"""The node misbehaves between the workers and the chain (proxy.py): errors, a gateway's 502, a
send whose answer never comes, transactions accepted and never mined, a nonce gap. Each time the
payout waits, no worker dies, and once the fault clears the order completes, paid once."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain.models import ChainTransaction, Payout
from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer, pay
from tests.e2e.test_payout_crash import _payout_logs
from tests.faults.chain.conftest import chain_workers_alive
from tests.faults.chain.proxy import ChainProxy, nonce_of


async def _state(customer: Customer, order_id: str) -> str:
    return str((await customer.get_order(order_id))["state"])


async def _until(condition: object, *, timeout: float = 90.0) -> None:
    """Until ``condition()`` (a callable) is true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():  # type: ignore[operator]
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def _paid_once(stack: Stack, customer: Customer, order_id: str) -> dict[str, Any]:
    done = await customer.wait_for(order_id, "completed", timeout=90.0)
    assert len(_payout_logs(stack, order_id)) == 1
    return done


def _payouts_log(stack: Stack) -> str:
    path = stack.apps["worker-payouts"].log_path
    assert path is not None
    return path.read_text(errors="replace")


async def test_a_bad_gateway_and_node_errors_delay_a_payout_and_fail_nothing(
    stack: Stack, proxy: ChainProxy, customer: Customer, bank: httpx.AsyncClient
) -> None:
    order = await customer.order(await customer.quote("41.00"))
    seen = len(_payouts_log(stack))  # the log is appended to: earlier tests' lines stay
    proxy.set(http_status=502)
    await pay(bank, order)
    await customer.wait_for(order["id"], "payout_queued")
    # The payouts worker meets the 502 (it used to die of it) and then the node's errors.
    await _until(lambda: "Bad Gateway" in _payouts_log(stack)[seen:])
    proxy.set(failing=frozenset({"*"}))
    await _until(lambda: "upstream unavailable" in _payouts_log(stack)[seen:])
    assert await _state(customer, order["id"]) == "payout_queued"
    assert chain_workers_alive(stack), "a worker died of the node's answers"
    proxy.clear()
    await _paid_once(stack, customer, order["id"])
    assert chain_workers_alive(stack)


async def test_a_send_whose_answer_times_out_pays_once(
    stack: Stack, proxy: ChainProxy, customer: Customer, bank: httpx.AsyncClient
) -> None:
    order = await customer.order(await customer.quote("42.00"))
    proxy.set(hang_up_sends=10.5)  # past the client's 10 s: the node took it, no answer came
    await pay(bank, order)
    await _until(lambda: bool(proxy.seen.hung_up))
    proxy.clear()
    done = await _paid_once(stack, customer, order["id"])
    assert done["payout"]["tx_hash"] == proxy.seen.hung_up[0]  # the one it sent, not another
    assert chain_workers_alive(stack)


async def test_a_dropped_transaction_and_the_nonce_gap_behind_it_pay_once_each(
    stack: Stack,
    proxy: ChainProxy,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    first = await customer.order(await customer.quote("43.00"))
    second = await customer.order(await customer.quote("44.00"))
    # The node answers the first's hash and forgets it: never mined. Every later attempt at
    # its nonce is forgotten too until the second is on its way: a busy box can take longer to
    # pay the second than the worker waits before sending the first again or replacing it, and
    # then there would be no gap to wait behind.
    proxy.set(drop_sends=1, keep_gaps=True)
    await pay(bank, first)
    await _until(lambda: bool(proxy.seen.dropped))
    gap = nonce_of(proxy.seen.raw[proxy.seen.dropped[0]])
    await pay(bank, second)  # the next nonce: it reaches the node and waits behind the gap
    await customer.wait_for(second["id"], "payout_broadcast", timeout=120.0)
    proxy.clear()
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    paid = await _paid_once(stack, customer, first["id"])
    done = await _paid_once(stack, customer, second["id"])
    # The first is paid at the nonce it was given: the same bytes sent again, or a copy with
    # raised fees if the worker replaced them meanwhile.
    first_tx = w3.eth.get_transaction(paid["payout"]["tx_hash"])
    second_tx = w3.eth.get_transaction(done["payout"]["tx_hash"])
    assert first_tx["nonce"] == gap
    assert second_tx["nonce"] == gap + 1
    assert proxy.seen.sent.count(str(paid["payout"]["tx_hash"])) >= 1  # forwarded once cleared
    async with sessions() as session:
        attempts = (
            await session.scalars(
                select(ChainTransaction.status)
                .join(Payout, Payout.tx_id == ChainTransaction.id)
                .where(Payout.order_id.in_([uuid.UUID(first["id"]), uuid.UUID(second["id"])]))
            )
        ).all()
    assert attempts == ["confirmed", "confirmed"]
    assert chain_workers_alive(stack)
