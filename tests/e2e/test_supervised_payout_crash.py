"""The payouts worker killed with SIGKILL mid-payout, right after the payout transaction was
signed and stored: nobody restarts it but the stack's supervisor, and the payout completes
exactly once (order completed, one Payout event on-chain, the ledger posted once)."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import httpx
import pytest
from eth_utils.crypto import keccak
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain.addresses import order_id_bytes32
from onramp.chain.models import ChainTransaction, Payout
from onramp.core.faults import CRASH_ENV
from onramp.core.settings import stack_file
from onramp.devstack.stack import Stack
from onramp.ledger.models import JournalEntry, Posting
from tests.e2e.conftest import Customer, pay

# Each test ends with the money checker (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("money_checked")

PAYOUT_TOPIC = "0x" + keccak(text="Payout(bytes32,address,uint256)").hex()


def _payout_events(stack: Stack, order_id: str) -> list[str]:
    """The hashes of the transactions whose Payout event names this order."""
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    logs = w3.eth.get_logs(
        {
            "address": Web3.to_checksum_address(stack.deployment.vault),
            "fromBlock": 0,
            "toBlock": "latest",
            "topics": [PAYOUT_TOPIC, "0x" + order_id_bytes32(uuid.UUID(order_id)).hex()],
        }
    )
    return ["0x" + bytes(log["transactionHash"]).hex() for log in logs]


async def test_a_payouts_worker_killed_after_signing_is_restarted_and_pays_once(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    stack.apps["worker-payouts"].stop()
    # This life of the worker dies (SIGKILL) once it has signed and stored the payout
    # transaction, before sending it; the supervisor's restart runs the stack's own
    # environment, without the crash point.
    crashing = stack.spawn_worker("payouts", {CRASH_ENV: "payout.after_sign"}, supervised=True)
    order = await customer.order(await customer.quote("320.00"))
    await pay(bank, order)
    deadline = time.monotonic() + 60
    while crashing.alive():
        assert time.monotonic() < deadline, "the payout worker never reached its crash point"
        time.sleep(0.05)
    assert crashing.popen.returncode == -9  # SIGKILL: no cleanup ran

    # No one here starts a worker: the order completes through the supervisor's restart.
    done = await customer.wait_for(order["id"], "completed")

    restarted = stack.apps["worker-payouts"]
    assert restarted is not crashing
    assert restarted.alive()
    assert CRASH_ENV.encode() not in Path(f"/proc/{restarted.pid}/environ").read_bytes()
    assert stack.supervisor is not None
    assert stack.supervisor.status()["worker-payouts"]["restarts"] >= 1
    assert json.loads(stack_file(stack.state_dir).read_text())["pids"]["worker-payouts"] == (
        restarted.pid
    )

    assert _payout_events(stack, order["id"]) == [done["payout"]["tx_hash"]]
    async with sessions() as session:
        stored = (
            await session.execute(
                select(Payout.status, ChainTransaction.status)
                .join(ChainTransaction, ChainTransaction.id == Payout.tx_id)
                .where(Payout.order_id == uuid.UUID(order["id"]))
            )
        ).all()
        assert [tuple(row) for row in stored] == [("confirmed", "confirmed")]
        entries = (
            await session.scalars(
                select(JournalEntry.id).where(
                    JournalEntry.kind == "payout", JournalEntry.reference == order["id"]
                )
            )
        ).all()
        assert len(entries) == 1
        postings = await session.scalar(
            select(func.count()).select_from(Posting).where(Posting.entry_id == entries[0])
        )
        assert postings == 2  # the customer's USDC debited, the vault's credited: once
