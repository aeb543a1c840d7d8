"""A hundred queued payouts leave in one ``payoutBatch`` transaction signed in the HSM: one
nonce, one receipt with a ``Payout`` event per payout, each confirmed against its event."""

from __future__ import annotations

import time
import uuid

from eth_account import Account
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain import PayoutRequest, queue_payouts
from onramp.chain.contracts.deploy import usdc_balance
from onramp.chain.models import ChainTransaction, Payout
from onramp.core.db import unit_of_work
from onramp.core.money import Money
from onramp.devstack.stack import Stack
from tests.e2e.test_payout_crash import PAYOUT_TOPIC

BATCH = 100


async def test_a_hundred_payouts_go_in_one_transaction(
    stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    stack.apps["worker-payouts"].stop()
    recipients = [Account.create().address for _ in range(BATCH)]
    requests = [
        PayoutRequest(uuid.uuid4(), to, Money(1_000_000 + i, "USDC"))  # 1 USDC and i base units
        for i, to in enumerate(recipients)
    ]
    try:
        async with unit_of_work(sessions) as session:
            assert await queue_payouts(session, requests) == BATCH
    finally:
        stack.spawn_worker("payouts")

    ids = [r.order_id for r in requests]
    deadline = time.monotonic() + 90
    while True:
        async with sessions() as session:
            rows = (await session.execute(select(Payout).where(Payout.order_id.in_(ids)))).scalars()
            payouts = list(rows)
        if all(p.status == "confirmed" for p in payouts):
            break
        assert time.monotonic() < deadline, {p.status for p in payouts}
        time.sleep(0.3)

    assert len({p.tx_id for p in payouts}) == 1  # one transaction for all of them
    async with sessions() as session:
        tx = await session.get(ChainTransaction, payouts[0].tx_id)
    assert tx is not None
    assert tx.sender == stack.payout_address  # the HSM key
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    receipt = w3.eth.get_transaction_receipt("0x" + tx.tx_hash.hex())
    events = [
        log for log in receipt["logs"] if "0x" + bytes(log["topics"][0]).hex() == PAYOUT_TOPIC
    ]
    assert len(events) == BATCH
    chain = stack.settings.chain
    for request in requests[:5] + requests[-5:]:
        held = usdc_balance(chain.rpc_url, chain.usdc_address, request.to_address)
        assert held == request.amount.minor
