"""The committed artifacts match the sources; the anvil launcher behaves."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from chain_helpers import ARTIFACTS, REPO_ROOT
from eth_account import Account
from web3 import Web3

from onramp.devstack.anvil import (
    ANVIL_MNEMONIC,
    Anvil,
    AnvilError,
    anvil_binary,
    start_anvil,
)

CONTRACTS = ["TestUSDC", "TreasuryVault", "UserWallet", "UserWalletFactory"]
# Safe v1.4.1, as built by its npm package (copied, not compiled here).
VENDORED = ["CompatibilityFallbackHandler", "MultiSendCallOnly", "Safe", "SafeProxyFactory"]


def test_committed_artifacts_are_up_to_date() -> None:
    node = shutil.which("node")
    assert node is not None, "node is needed to build the contracts"
    result = subprocess.run(
        [node, "contracts/build.mjs", "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_artifacts_have_the_agreed_shape() -> None:
    assert sorted(p.stem for p in ARTIFACTS.glob("*.json")) == sorted(CONTRACTS + VENDORED)
    for name in CONTRACTS + VENDORED:
        text = (ARTIFACTS / f"{name}.json").read_text()
        data = json.loads(text)
        if name in VENDORED:
            assert data.pop("source") == "@safe-global/safe-contracts@1.4.1"
        assert list(data) == ["contractName", "abi", "bytecode", "deployedBytecode"]
        assert data["contractName"] == name
        for key in ("bytecode", "deployedBytecode"):
            assert data[key].startswith("0x60")
            assert len(data[key]) > 200
            bytes.fromhex(data[key][2:])  # plain hex: nothing left to link
        if name in CONTRACTS:
            assert text == json.dumps(data, indent=2) + "\n"


def test_anvil_binary_missing_says_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(AnvilError, match="make install"):
        anvil_binary(tmp_path)


def test_anvil_binary_runs() -> None:
    binary = anvil_binary(REPO_ROOT)
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("anvil Version: 1.7.1")


def test_session_anvil(anvil: Anvil, w3: Web3) -> None:
    assert anvil.chain_id == 31337 == w3.eth.chain_id
    assert anvil.url.startswith("http://127.0.0.1:")
    assert anvil.process.alive()
    Account.enable_unaudited_hdwallet_features()
    first = Account.from_mnemonic(ANVIL_MNEMONIC, account_path="m/44'/60'/0'/0/0")
    assert w3.eth.accounts[0] == first.address


def test_start_and_stop_with_block_time(tmp_path: Path) -> None:
    node = start_anvil(tmp_path, repo_root=REPO_ROOT, block_time=0.2)
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        start = w3.eth.block_number
        deadline_blocks = start + 2
        for _ in range(100):
            if w3.eth.block_number >= deadline_blocks:
                break
            time.sleep(0.05)
        assert w3.eth.block_number >= deadline_blocks  # blocks are mined without transactions
        assert (tmp_path / "anvil-home").is_dir()
        assert (tmp_path / "logs" / "anvil.log").is_file()
        port = int(node.url.rsplit(":", 1)[1])
    finally:
        node.stop()
    assert not node.process.alive()
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", port), timeout=1),
    ):
        pass


def test_start_fails_clearly_when_the_port_is_taken(tmp_path: Path, anvil: Anvil) -> None:
    port = int(anvil.url.rsplit(":", 1)[1])
    with pytest.raises(AnvilError, match=f"port {port} .* already in use"):
        start_anvil(tmp_path, repo_root=REPO_ROOT, port=port)


def test_start_reports_an_early_exit_with_its_log(tmp_path: Path) -> None:
    with pytest.raises(AnvilError, match=r"(?s)exited with code \d+.*unexpected argument"):
        start_anvil(tmp_path, repo_root=REPO_ROOT, block_time=-1)
