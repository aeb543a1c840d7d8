"""``onramp dev`` keeps its state between runs: started again on the same state dir, the stack
has the database rows, the JetStream messages, the chain (blocks, balances, contracts) and the
HSM keys it had, and deploys nothing; a chain that was lost is refused rather than paired with
the old database; ``fresh`` starts clean."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import asyncpg
import nats
import pytest
from web3 import Web3

from onramp.devstack import dev_state
from onramp.devstack.stack import Stack, start_infrastructure

pytestmark = pytest.mark.integration

RECIPIENT = Web3.to_checksum_address("0x000000000000000000000000000000000000beef")


async def _write(stack: Stack) -> None:
    conn = await asyncpg.connect(stack.settings.database.url)
    try:
        await conn.execute("CREATE TABLE kept_probe (note text)")
        await conn.execute("INSERT INTO kept_probe VALUES ('written before the restart')")
    finally:
        await conn.close()
    nc = await nats.connect(stack.nats.url)
    try:
        js = nc.jetstream()
        await js.add_stream(name="KEPT_PROBE", subjects=["kept.probe"])
        await js.publish("kept.probe", b"published before the restart")
    finally:
        await nc.close()


async def _read(stack: Stack) -> tuple[list[str], bytes | None]:
    conn = await asyncpg.connect(stack.settings.database.url)
    try:
        exists = await conn.fetchval("SELECT to_regclass('kept_probe') IS NOT NULL")
        rows = await conn.fetch("SELECT note FROM kept_probe") if exists else []
        notes = [row["note"] for row in rows]
    finally:
        await conn.close()
    nc = await nats.connect(stack.nats.url)
    try:
        try:
            message = await nc.jetstream().get_msg("KEPT_PROBE", seq=1)
        except nats.js.errors.NotFoundError:
            return notes, None
        return notes, message.data
    finally:
        await nc.close()


def _transfer(stack: Stack) -> str:
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    sender = w3.eth.accounts[1]  # one of anvil's unlocked dev accounts
    tx = w3.eth.send_transaction({"from": sender, "to": RECIPIENT, "value": 12345})
    w3.eth.wait_for_transaction_receipt(tx)
    return "0x" + bytes(tx).hex()


def _receipt_and_balance(stack: Stack, tx_hash: str) -> tuple[bool, int]:
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    try:
        mined = w3.eth.get_transaction_receipt(tx_hash)["status"] == 1  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - web3's TransactionNotFound: not on this chain
        mined = False
    return mined, int(w3.eth.get_balance(RECIPIENT))


def test_a_kept_dev_stack_goes_on_from_its_state_and_fresh_starts_clean(state_dir: Path) -> None:
    first = start_infrastructure(state_dir, persist=True, fresh=False)
    try:
        asyncio.run(_write(first))
        tx_hash = _transfer(first)
    finally:
        first.stop()

    said: list[str] = []
    again = start_infrastructure(state_dir, persist=True, fresh=False, progress=said.append)
    try:
        assert any("contracts not redeployed" in line for line in said)
        assert not any(line.startswith("contracts ") for line in said)
        assert again.deployment == first.deployment
        assert again.treasury == first.treasury
        assert again.payout_address == first.payout_address
        assert again.settings.chain.payout_key_id == first.settings.chain.payout_key_id
        assert again.hsm.user_pin == first.hsm.user_pin
        assert asyncio.run(_read(again)) == (
            ["written before the restart"],
            b"published before the restart",
        )
        assert _receipt_and_balance(again, tx_hash) == (True, 12345)
    finally:
        again.stop()

    # The chain gone but the database kept: refused, not paired with a new chain.
    chain = (state_dir / dev_state.CHAIN_FILE).read_bytes()
    (state_dir / dev_state.CHAIN_FILE).unlink()
    with pytest.raises(dev_state.StateLost, match="chain"):
        start_infrastructure(state_dir, persist=True, fresh=False)
    # A chain file from another run (here: an empty chain) has none of the contracts.
    (state_dir / dev_state.CHAIN_FILE).write_bytes(chain)
    state = dev_state.load(state_dir)
    assert state is not None
    moved = dataclasses.replace(
        state,
        deployment=dataclasses.replace(state.deployment, usdc="0x" + "11" * 20),
    )
    dev_state.save(state_dir, moved)
    with pytest.raises(dev_state.StateLost, match="no TestUSDC"):
        start_infrastructure(state_dir, persist=True, fresh=False)

    clean = start_infrastructure(state_dir, persist=True, fresh=True)
    try:
        assert asyncio.run(_read(clean)) == ([], None)
        assert _receipt_and_balance(clean, tx_hash) == (False, 0)
        assert clean.settings.chain.payout_key_id != first.settings.chain.payout_key_id
        assert dev_state.load(state_dir) is not None  # kept in turn for the next run
    finally:
        clean.stop()
