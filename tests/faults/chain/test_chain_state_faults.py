"""Faults of the chain itself, made with anvil's own calls while the workers run: the base fee
spikes past the fee cap with a payout in the mempool, and the gas runs out (the payout key's
and the gas wallet's that tops it up).
Each time the payout waits (it is never failed), and once the fault clears the order completes,
paid once. (A paused vault: tests/e2e/test_vault_conditions.py; a reorg at every depth below
the confirmations: tests/e2e/test_payout_reorg.py; a dropped transaction, a nonce gap and the
node's errors: test_node_faults.py.)"""

from __future__ import annotations

import httpx
from web3 import Web3
from web3.exceptions import TransactionNotFound

from onramp.devstack.stack import Stack
from tests.e2e.conftest import Customer, pay
from tests.e2e.test_vault_conditions import _rpc
from tests.faults.chain.conftest import chain_workers_alive
from tests.faults.chain.proxy import ChainProxy
from tests.faults.chain.test_node_faults import _paid_once, _payouts_log, _until

GWEI = 10**9
SPIKE = 1_000 * GWEI  # twice the default fee cap (ONRAMP_CHAIN__MAX_FEE_PER_GAS_GWEI=500)


def _mined(w3: Web3, tx_hash: str) -> bool:
    try:
        w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
    except TransactionNotFound:
        return False
    return True


async def test_a_fee_spike_past_the_cap_holds_a_payout_until_the_fee_falls(
    stack: Stack, proxy: ChainProxy, customer: Customer, bank: httpx.AsyncClient
) -> None:
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    base_fee = int(w3.eth.get_block("latest")["baseFeePerGas"])
    _rpc(w3, "evm_setAutomine", False)
    try:
        order = await customer.order(await customer.quote("45.00"))
        seen = len(_payouts_log(stack))  # the log is appended to: earlier tests' lines stay
        await pay(bank, order)
        sent = (await customer.wait_for(order["id"], "payout_broadcast", timeout=90.0))["payout"]
        _rpc(w3, "anvil_setNextBlockBaseFeePerGas", hex(SPIKE))
        _rpc(w3, "evm_mine")  # far below the payout's fees: anvil drops it from its pool
        assert not _mined(w3, sent["tx_hash"])
        # Sent again it is refused (below the base fee); replacing it would pay more than the
        # cap: the worker waits instead of failing it.
        await _until(lambda: "tx.fee_cap_reached" in _payouts_log(stack)[seen:])
        assert (await customer.get_order(order["id"]))["state"] == "payout_broadcast"
        while int(w3.eth.get_block("latest")["baseFeePerGas"]) > 100 * GWEI:
            _rpc(w3, "evm_mine")  # empty blocks: the base fee falls 12.5 % a block
    finally:  # whatever happened, the next test's chain has its usual fees
        _rpc(w3, "anvil_setNextBlockBaseFeePerGas", hex(base_fee))
        _rpc(w3, "evm_mine")
        _rpc(w3, "evm_setAutomine", True)
    await _paid_once(stack, customer, order["id"])
    assert chain_workers_alive(stack)


async def test_an_empty_gas_wallet_holds_payouts_until_a_treasurer_funds_it(
    stack: Stack, proxy: ChainProxy, customer: Customer, bank: httpx.AsyncClient
) -> None:
    # The payout key runs dry and the gas wallet that tops keys up (treasury worker, every
    # 5 s) has nothing to give.
    assert stack.treasury is not None
    w3 = Web3(Web3.HTTPProvider(stack.anvil.url))
    key = Web3.to_checksum_address(stack.payout_address)
    gas_wallet = Web3.to_checksum_address(stack.treasury.executor)
    held = {address: w3.eth.get_balance(address) for address in (key, gas_wallet)}
    for address in held:
        _rpc(w3, "anvil_setBalance", address, hex(0))
    try:
        order = await customer.order(await customer.quote("46.00"))
        seen = len(_payouts_log(stack))  # the log is appended to: earlier tests' lines stay
        await pay(bank, order)
        await _until(lambda: "insufficient funds" in _payouts_log(stack)[seen:].lower())
        assert (await customer.get_order(order["id"]))["state"] in (
            "payout_queued",
            "payout_broadcast",  # stored and sent once; the node refused it for its funds
        )
        assert chain_workers_alive(stack)
        # A treasurer funds the gas wallet; the treasury worker tops the payout key up.
        _rpc(w3, "anvil_setBalance", gas_wallet, hex(held[gas_wallet]))
        await _paid_once(stack, customer, order["id"])
        assert w3.eth.get_balance(key) > 0
    finally:
        for address, wei in held.items():
            if w3.eth.get_balance(address) == 0:
                _rpc(w3, "anvil_setBalance", address, hex(wei))
    assert chain_workers_alive(stack)
