"""A payout worker killed at each step (nonce taken, transaction signed and stored, sent): after
a restart exactly one on-chain payout exists and the order completes. A dropped transaction is
sent again byte for byte; a stuck one is replaced with higher fees and still pays once."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from eth_account.typed_transactions.typed_transaction import TypedTransaction
from eth_utils.crypto import keccak
from hexbytes import HexBytes
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web3 import Web3

from onramp.chain.addresses import order_id_bytes32
from onramp.chain.artifacts import load_artifact
from onramp.chain.models import ChainTransaction, Payout
from onramp.core.faults import CRASH_ENV
from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer, pay

# Each test ends with the money checker (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("money_checked")

PAYOUT_TOPIC = "0x" + keccak(text="Payout(bytes32,address,uint256)").hex()


def _payout_logs(stack: Stack, order_id: str) -> list[object]:
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    return list(
        w3.eth.get_logs(
            {
                "address": Web3.to_checksum_address(stack.deployment.vault),
                "fromBlock": 0,
                "toBlock": "latest",
                "topics": [PAYOUT_TOPIC, "0x" + order_id_bytes32(uuid.UUID(order_id)).hex()],
            }
        )
    )


def _vault_paid(stack: Stack, order_id: str) -> bool:
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    vault = w3.eth.contract(
        address=Web3.to_checksum_address(stack.deployment.vault),
        abi=load_artifact("TreasuryVault").abi,
    )
    return bool(vault.functions.isPaid(order_id_bytes32(uuid.UUID(order_id))).call())


async def _stored(
    sessions: async_sessionmaker[AsyncSession], order_id: str
) -> tuple[str, str | None]:
    async with sessions() as session:
        row = (
            await session.execute(
                select(Payout.status, ChainTransaction.status)
                .outerjoin(ChainTransaction, ChainTransaction.id == Payout.tx_id)
                .where(Payout.order_id == uuid.UUID(order_id))
            )
        ).first()
    assert row is not None
    return row[0], row[1]


@pytest.mark.parametrize(
    ("crash_at", "stored_at_crash", "on_chain_before_restart"),
    [
        # A nonce taken, nothing signed or stored: the payouts are still queued.
        ("payout.after_nonce", ("queued", None), False),
        ("payout.after_sign", ("signed", "signed"), False),  # stored, never sent
        # Sent (and mined), never marked as broadcast.
        ("payout.after_send", ("signed", "signed"), True),
    ],
)
async def test_killed_at_each_step_pays_exactly_once(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    crash_at: str,
    stored_at_crash: tuple[str, str | None],
    on_chain_before_restart: bool,
) -> None:
    stack.apps["worker-payouts"].stop()
    crashing = stack.spawn_worker("payouts", {CRASH_ENV: crash_at})
    try:
        order = await customer.order(await customer.quote("640.00"))
        await pay(bank, order)
        deadline = time.monotonic() + 30
        while crashing.alive():
            assert time.monotonic() < deadline, "the payout worker never reached its crash point"
            time.sleep(0.05)
        assert crashing.popen.returncode == -9  # SIGKILL: no cleanup ran

        # The signed transaction was stored before the crash; the database does not know yet
        # whether it reached the chain.
        assert await _stored(sessions, order["id"]) == stored_at_crash
        assert _vault_paid(stack, order["id"]) is on_chain_before_restart
        assert (await customer.get_order(order["id"]))["state"] == "payout_queued"
    finally:
        restarted = stack.spawn_worker("payouts")
    assert restarted.alive()

    done = await customer.wait_for(order["id"], "completed")
    assert await _stored(sessions, order["id"]) == ("confirmed", "confirmed")
    assert _vault_paid(stack, order["id"])
    logs = _payout_logs(stack, order["id"])
    assert len(logs) == 1
    assert "0x" + bytes(logs[0]["transactionHash"]).hex() == done["payout"]["tx_hash"]  # type: ignore[index]


async def test_the_vault_refuses_a_second_payout_of_the_same_order(
    stack: Stack, customer: Customer, bank: httpx.AsyncClient
) -> None:
    order = await customer.order(await customer.quote("90.00"))
    await pay(bank, order)
    done = await customer.wait_for(order["id"], "completed")
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    vault = w3.eth.contract(
        address=Web3.to_checksum_address(stack.deployment.vault),
        abi=load_artifact("TreasuryVault").abi,
    )
    signer = stack.payout_address
    again = vault.functions.payout(
        order_id_bytes32(uuid.UUID(order["id"])), done["payout"]["to"], 1
    )
    try:
        again.call({"from": signer})
    except Exception as exc:  # noqa: BLE001 - asserting on the revert reason below
        reverted = exc
    else:
        raise AssertionError("a second payout of the same order was accepted")
    selector = "0x" + keccak(text="PayoutAlreadyMade(bytes32)")[:4].hex()
    assert selector in repr(getattr(reverted, "data", reverted)) or "PayoutAlreadyMade" in repr(
        reverted
    )
    assert len(_payout_logs(stack, order["id"])) == 1


async def test_a_dropped_transaction_is_sent_again_with_the_same_bytes(
    stack: Stack, customer: Customer, bank: httpx.AsyncClient
) -> None:
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    stack.apps["worker-payouts"].stop()
    stack.spawn_worker("payouts", {"ONRAMP_CHAIN__REBROADCAST_AFTER_SECONDS": "1"})
    w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    try:
        order = await customer.order(await customer.quote("75.00"))
        await pay(bank, order)
        broadcast = await customer.wait_for(order["id"], "payout_broadcast")
        tx_hash = broadcast["payout"]["tx_hash"]
        raw_before = w3.eth.get_raw_transaction(tx_hash)
        w3.provider.make_request("anvil_dropTransaction", [tx_hash])  # type: ignore[arg-type]
        payout_account = Web3.to_checksum_address(stack.payout_address)
        assert w3.eth.get_transaction_count(
            payout_account, "pending"
        ) == w3.eth.get_transaction_count(payout_account, "latest")
        deadline = time.monotonic() + 15
        while True:
            try:
                raw_after = w3.eth.get_raw_transaction(tx_hash)
                break
            except Exception:  # noqa: BLE001 - not in the mempool yet
                assert time.monotonic() < deadline, "the dropped payout was never re-sent"
                time.sleep(0.1)
        assert raw_after == raw_before
    finally:
        w3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
        w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        stack.apps["worker-payouts"].stop()
        stack.spawn_worker("payouts")
    done = await customer.wait_for(order["id"], "completed")
    assert done["payout"]["tx_hash"] == tx_hash
    assert len(_payout_logs(stack, order["id"])) == 1


async def test_a_stuck_transaction_is_replaced_with_higher_fees_and_pays_once(
    stack: Stack,
    customer: Customer,
    bank: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    stack.apps["worker-payouts"].stop()
    stack.spawn_worker(
        "payouts",
        {
            "ONRAMP_CHAIN__REPLACE_AFTER_SECONDS": "1",
            "ONRAMP_CHAIN__REBROADCAST_AFTER_SECONDS": "600",
        },
    )
    w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    try:
        order = await customer.order(await customer.quote("55.00"))
        await pay(bank, order)
        broadcast = await customer.wait_for(order["id"], "payout_broadcast")
        first_hash = broadcast["payout"]["tx_hash"]
        first = w3.eth.get_transaction(first_hash)
        deadline = time.monotonic() + 20
        while True:  # nothing is mined: the worker replaces the transaction
            async with sessions() as session:
                live = (
                    await session.execute(
                        select(ChainTransaction)
                        .join(Payout, Payout.tx_id == ChainTransaction.id)
                        .where(Payout.order_id == uuid.UUID(order["id"]))
                    )
                ).scalar_one()
            if live.replaces_id is not None and live.status == "broadcast":
                break
            assert time.monotonic() < deadline, "the stuck payout was never replaced"
            time.sleep(0.2)
        # What it replaced, as signed (under load the worker may have replaced the first
        # broadcast before the test read it: compare each replacement with its own original).
        async with sessions() as session:
            replaced = await session.get_one(ChainTransaction, live.replaces_id)
        original = TypedTransaction.from_bytes(HexBytes(replaced.raw)).as_dict()
        replacement = TypedTransaction.from_bytes(HexBytes(live.raw)).as_dict()
        assert replacement["nonce"] == original["nonce"] == first["nonce"]
        assert replacement["data"] == original["data"]  # the same payouts
        assert replacement["maxFeePerGas"] > original["maxFeePerGas"]
        assert replacement["maxPriorityFeePerGas"] > original["maxPriorityFeePerGas"]
    finally:
        stack.apps["worker-payouts"].stop()
        w3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
        w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        stack.spawn_worker("payouts")
    done = await customer.wait_for(order["id"], "completed")
    assert done["payout"]["tx_hash"] != "0x" + replaced.tx_hash.hex()
    logs = _payout_logs(stack, order["id"])
    assert len(logs) == 1  # one payment, whichever attempt the chain took
    assert "0x" + bytes(logs[0]["transactionHash"]).hex() == done["payout"]["tx_hash"]  # type: ignore[index]
    async with sessions() as session:
        attempts = (
            await session.scalars(
                select(ChainTransaction.status).where(
                    ChainTransaction.nonce == live.nonce,
                    ChainTransaction.sender == live.sender,
                )
            )
        ).all()
    assert sorted(set(attempts)) == ["confirmed", "replaced"]
