"""Child processes of the dev stack: started on loopback, stopped by their own PID.

Each remembers how it was started (``respawn``), so the stack's supervisor can start it again
after a crash; ``stop`` marks it stopped on purpose, which the supervisor leaves alone."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

# How long a vendor sandbox may take to answer its health check after it is spawned. Generous:
# on a loaded two-core machine (CI, a test run beside other work) importing and starting one
# took over 20 s; a sandbox that dies meanwhile is reported at once, not after the wait.
SANDBOX_START_TIMEOUT = 180.0


class ExitedDuringStartup(RuntimeError):
    """A server process ended before it answered."""


def read_log_from(path: Path, offset: int) -> str:
    """What a log gained since ``offset`` (a start attempt's own output)."""
    try:
        with path.open("rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace")
    except FileNotFoundError:
        return ""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_http_health(process: ManagedProcess, url: str, *, timeout: float) -> bool:
    """True once ``url`` answers 200; False if the process died first."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=1.0, trust_env=False) as client:
        while True:
            if not process.alive():
                return False
            try:
                if client.get(url).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{process.name} not healthy within {timeout}s")
            time.sleep(0.05)


def wait_for_tcp(port: int, *, timeout: float = 30.0, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s") from None
            time.sleep(0.05)


@dataclass
class ManagedProcess:
    """A child process the stack owns. ``stop`` signals that PID only, then waits."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # How to start this process again (same argv, port and environment); None: never restarted.
    respawn: Callable[[], ManagedProcess] | None = None
    # Whether the stack's supervisor restarts it when it dies (see devstack/supervisor.py).
    supervised: bool = False
    # Set by ``stop`` before it signals: an exit asked for is not a crash to recover from.
    stopped: bool = False

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def crashed(self) -> bool:
        """Dead without anyone having stopped it (a SIGKILL, an exception, a crash point)."""
        return not self.stopped and not self.alive()

    def stop(self, *, timeout: float = 10.0) -> None:
        self.stopped = True
        if not self.alive():
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=timeout)

    def kill(self) -> None:
        """SIGKILL, as a crash would: no cleanup runs in the child."""
        if self.alive():
            self.popen.kill()
            self.popen.wait(timeout=10)


def spawn(
    name: str,
    argv: Sequence[str],
    *,
    log_dir: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    user: str | None = None,
) -> ManagedProcess:
    """Start ``argv`` with stdout and stderr going to ``log_dir/<name>.log``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    log = log_path.open("ab")
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    popen = subprocess.Popen(  # noqa: S603 - argv is built by the stack, never from input
        list(argv),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=full_env,
        cwd=cwd,
        user=user,
        start_new_session=True,  # Ctrl-C in the terminal reaches the stack, which stops children
    )
    log.close()

    def again() -> ManagedProcess:
        return spawn(name, argv, log_dir=log_dir, env=env, cwd=cwd, user=user)

    return ManagedProcess(name=name, popen=popen, log_path=log_path, respawn=again)


def start_http_sandbox(
    name: str,
    module: str,
    args: Sequence[str],
    *,
    state_dir: Path,
    env: Mapping[str, str],
    port: int | None,
    timeout: float,
    label: str,
) -> tuple[ManagedProcess, str]:
    """Spawn ``python -m module --port P *args`` (logs: ``state_dir/logs/<name>.log``) and return
    it with its base URL once ``/healthz`` answers. A free port may be taken before the child
    binds it: a chosen one is tried three times, a given ``port`` once."""
    attempts = 1 if port is not None else 3
    for attempt in range(1, attempts + 1):
        run_port = port if port is not None else free_port()
        argv = [sys.executable, "-m", module, "--port", str(run_port), *args]
        process = spawn(name, argv, log_dir=state_dir / "logs", env=env, cwd=state_dir)
        url = f"http://127.0.0.1:{run_port}"
        try:
            if wait_for_http_health(process, f"{url}/healthz", timeout=timeout):
                return process, url
        except BaseException:
            process.stop()
            raise
        if attempt == attempts:
            raise RuntimeError(
                f"{label} exited with {process.popen.returncode} during startup "
                f"(log: {process.log_path})"
            )
    raise AssertionError("unreachable")  # pragma: no cover
