"""Helpers for the contract tests: artifacts, deployment, transactions and revert checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from eth_abi import encode
from eth_utils import keccak
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError
from web3.logs import DISCARD

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "contracts" / "artifacts"

USDC = 10**6  # one whole USDC in token units (6 decimals)
ZERO = "0x" + "00" * 20

# The vault the tests deploy.
MAX_PER_PAYOUT = 10_000 * USDC
MAX_PER_24H = 25_000 * USDC
VAULT_FUNDING = 1_000_000 * USDC
ADMIN_MINT_ALLOWANCE = 10**9 * USDC  # what the admin may mint in the tests
ADMIN_DELAY = 2 * 24 * 3600  # seconds a new vault admin waits before accepting


@dataclass(frozen=True)
class Accounts:
    admin: str  # every admin role of every contract (the factory's owner), a TestUSDC minter
    signer: str  # the vault's payout hot key (PAYOUT_ROLE)
    pauser: str  # the vault's guardian (PAUSER_ROLE)
    cold: str  # the vault's cold wallet, where sweeps go
    operator: str  # the wallet factory's operator
    alice: str
    bob: str
    mallory: str


@cache
def artifact(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ARTIFACTS / f"{name}.json").read_text())
    assert data["contractName"] == name
    return data


def deploy(w3: Web3, name: str, *args: Any, sender: str) -> Contract:
    art = artifact(name)
    factory = w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
    tx_hash = factory.constructor(*args).transact({"from": sender})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt["status"] == 1
    return w3.eth.contract(address=receipt["contractAddress"], abi=art["abi"])


def at(w3: Web3, name: str, address: str) -> Contract:
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=artifact(name)["abi"])


def send(w3: Web3, call: Any, sender: str) -> Any:
    """Send ``call`` (a bound contract function) from ``sender``; assert it succeeded."""
    tx_hash = call.transact({"from": sender})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt["status"] == 1
    return receipt


def events(contract: Contract, name: str, receipt: Any) -> list[dict[str, Any]]:
    """The args of every ``name`` event that ``contract`` itself emitted in ``receipt``."""
    own = [log for log in receipt["logs"] if log["address"] == contract.address]
    processed = contract.events[name]().process_receipt({**receipt, "logs": own}, errors=DISCARD)
    return [dict(e["args"]) for e in processed]


def selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def error_data(signature: str, *args: Any) -> str:
    """ABI-encoded revert data of custom error ``signature`` (flat types only) with ``args``."""
    inner = signature[signature.index("(") + 1 : -1]
    types = [t for t in inner.split(",") if t]
    return "0x" + (selector(signature) + encode(types, list(args))).hex()


def revert_data(call: Any, sender: str) -> str:
    """Send ``call`` and return the revert data it fails with (the test fails if it succeeds)."""
    with pytest.raises(ContractLogicError) as info:
        call.transact({"from": sender})
    data = info.value.data
    assert isinstance(data, str), f"revert without data: {info.value!r}"
    return data.lower()


def assert_reverts(call: Any, sender: str, signature: str, *args: Any) -> None:
    data = revert_data(call, sender)
    assert data[:10] == "0x" + selector(signature).hex(), f"{signature} expected, got {data}"
    assert data == error_data(signature, *args)


def assert_unauthorized(call: Any, sender: str, role: bytes) -> None:
    assert_reverts(call, sender, "AccessControlUnauthorizedAccount(address,bytes32)", sender, role)


def rpc(w3: Web3, method: str, *params: Any) -> Any:
    response = w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
    assert "error" not in response, response
    return response["result"]


def latest_timestamp(w3: Web3) -> int:
    ts: int = w3.eth.get_block("latest")["timestamp"]
    return ts


def mine_at(w3: Web3, timestamp: int) -> None:
    """Mine an empty block with exactly this timestamp, so views see that time."""
    rpc(w3, "evm_setNextBlockTimestamp", timestamp)
    rpc(w3, "evm_mine")
    assert latest_timestamp(w3) == timestamp


def increase_time(w3: Web3, seconds: int) -> None:
    rpc(w3, "evm_increaseTime", seconds)
    rpc(w3, "evm_mine")


@contextmanager
def snapshot(w3: Web3) -> Iterator[None]:
    snap = rpc(w3, "evm_snapshot")
    try:
        yield
    finally:
        assert rpc(w3, "evm_revert", snap) is True


def order_id(label: str) -> bytes:
    return keccak(text=f"order:{label}")
