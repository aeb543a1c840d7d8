"""A local anvil chain (Foundry's dev node, installed by npm) for the dev stack and tests."""

from __future__ import annotations

import os
import platform
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from onramp.devstack.process import ManagedProcess, free_port, spawn

ANVIL_MNEMONIC = "test test test test test test test test test test test junk"
"""anvil's default dev mnemonic: its 10 funded accounts. Public, for local chains only."""

ANVIL_CHAIN_ID = 31337
STATE_INTERVAL_SECONDS = 5

_NPM_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


class AnvilError(RuntimeError):
    """anvil is missing, or did not come up."""


@dataclass
class Anvil:
    """A running anvil node owned by the caller."""

    process: ManagedProcess
    url: str
    chain_id: int

    def stop(self) -> None:
        """Stop anvil by its own PID (SIGTERM, then SIGKILL if it does not exit)."""
        self.process.stop()


def _native_binary(repo_root: Path) -> Path | None:
    """The platform binary that ``node_modules/.bin/anvil`` (a node wrapper) would launch."""
    arch = _NPM_ARCH.get(platform.machine().lower())
    if arch is None or sys.platform not in ("linux", "darwin"):
        return None
    binary = (
        repo_root
        / "node_modules"
        / "@foundry-rs"
        / f"anvil-{sys.platform}-{arch}"
        / "bin"
        / "anvil"
    )
    if binary.is_file() and os.access(binary, os.X_OK):
        return binary
    return None


def anvil_binary(repo_root: Path) -> Path:
    """The anvil executable installed by npm under ``repo_root/node_modules``.

    ``node_modules/.bin/anvil`` is a node script that starts the platform binary as a child
    process; when that binary is present it is returned instead, so the PID we hold is anvil's
    own and a stop or kill reaches anvil itself rather than leaving it orphaned.
    """
    wrapper = repo_root / "node_modules" / ".bin" / "anvil"
    if not wrapper.exists():
        raise AnvilError(
            f"anvil is not installed ({wrapper} is missing): run `make install` (npm ci)"
        )
    return _native_binary(repo_root) or wrapper


def _chain_id(client: httpx.Client, url: str) -> int | None:
    payload = {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}
    try:
        response = client.post(url, json=payload)
        response.raise_for_status()
        result = response.json().get("result")
    except (httpx.HTTPError, ValueError):
        return None
    if not isinstance(result, str):
        return None
    return int(result, 16)


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _log_tail(process: ManagedProcess, limit: int = 2000) -> str:
    if process.log_path is None or not process.log_path.exists():
        return ""
    return process.log_path.read_text(errors="replace")[-limit:]


def start_anvil(
    state_dir: Path,
    *,
    repo_root: Path,
    port: int | None = None,
    block_time: float | None = None,
    slots_in_an_epoch: int = 0,
    state_file: Path | None = None,
    timeout: float = 30.0,
) -> Anvil:
    """Start anvil on 127.0.0.1 and return once it answers JSON-RPC ``eth_chainId``.

    Its HOME is ``state_dir/anvil-home`` so it never writes under the real home directory, and
    its output goes to ``state_dir/logs/anvil.log``. Without ``block_time`` every transaction is
    mined at once. With ``state_file`` the chain (accounts, contracts, blocks, receipts) is
    loaded from it when it exists and dumped to it every few seconds and on SIGTERM, so a
    restarted anvil goes on from the same chain; without it the chain lives in memory only.
    """
    binary = anvil_binary(repo_root)
    port = free_port() if port is None else port
    if not _port_is_free(port):
        # Otherwise whatever listens there might answer eth_chainId in our anvil's stead.
        raise AnvilError(f"cannot start anvil: port {port} on 127.0.0.1 is already in use")
    home = state_dir / "anvil-home"
    home.mkdir(parents=True, exist_ok=True)
    argv = _anvil_argv(
        binary,
        port=port,
        block_time=block_time,
        slots_in_an_epoch=slots_in_an_epoch,
        state_file=state_file,
    )
    process = spawn("anvil", argv, log_dir=state_dir / "logs", env={"HOME": str(home)})
    url = f"http://127.0.0.1:{port}"
    try:
        chain_id = _wait_for_chain_id(process, url, timeout=timeout)
    except BaseException:
        process.stop()
        raise
    if chain_id != ANVIL_CHAIN_ID:
        process.stop()
        raise AnvilError(f"anvil on {url} reports chain id {chain_id}, not {ANVIL_CHAIN_ID}")
    return Anvil(process=process, url=url, chain_id=chain_id)


KEPT_STATES = 256


def _anvil_argv(
    binary: Path,
    *,
    port: int,
    block_time: float | None,
    slots_in_an_epoch: int,
    state_file: Path | None,
) -> list[str]:
    argv = [
        str(binary),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--silent",
        # Old states are dropped (memory stays flat over a long run), but the last few hundred
        # are kept: reconciliation reads balances at the confirmed block, behind the head.
        "--prune-history",
        str(KEPT_STATES),
        "--chain-id",
        str(ANVIL_CHAIN_ID),
        # The ``finalized`` block is the head less two epochs: 0 makes every block final at
        # once (a local chain's only reorgs are a test's), so payouts that wait for finality
        # (ChainSettings.require_finalized) complete under automine.
        "--slots-in-an-epoch",
        str(slots_in_an_epoch),
    ]
    if block_time is not None:
        argv += ["--block-time", f"{block_time:g}"]
    if state_file is not None:
        # --state is --load-state and --dump-state (on exit); the interval bounds what a crash
        # of anvil itself loses.
        argv += ["--state", str(state_file), "--state-interval", str(STATE_INTERVAL_SECONDS)]
    return argv


def _wait_for_chain_id(process: ManagedProcess, url: str, *, timeout: float) -> int:
    """The chain id anvil answers on ``url`` once it does (while its process is alive)."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while True:
            if not process.alive():
                raise AnvilError(
                    f"anvil exited with code {process.popen.returncode} before answering on "
                    f"{url}; log:\n{_log_tail(process)}"
                )
            chain_id = _chain_id(client, url)
            if chain_id is not None and process.alive():
                return chain_id
            if time.monotonic() > deadline:
                raise AnvilError(f"anvil did not answer on {url} within {timeout}s")
            time.sleep(0.05)
