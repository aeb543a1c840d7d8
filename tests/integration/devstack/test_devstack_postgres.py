"""Embedded PostgreSQL: start, use, stop, restart on the same data directory, crash recovery."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import pytest

from onramp.devstack import postgres
from onramp.devstack.postgres import EmbeddedPostgres, start_postgres
from onramp.devstack.process import free_port

pytestmark = pytest.mark.integration


def assert_gone(pid: int) -> None:
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not Path(f"/proc/{pid}").exists()


async def test_start_query_stop_restart(state_dir: Path) -> None:
    started = time.monotonic()
    pg = start_postgres(state_dir)
    first_start = time.monotonic() - started
    try:
        assert pg.port != 5432
        assert pg.url() == f"postgresql://postgres@127.0.0.1:{pg.port}/onramp"
        conn = await asyncpg.connect(pg.url())
        try:
            assert await conn.fetchval("SELECT 1") == 1
            assert await conn.fetchval("SELECT current_database()") == "onramp"
            assert await conn.fetchval("SHOW fsync") == "on"
            assert await conn.fetchval("SHOW synchronous_commit") == "on"
            assert await conn.fetchval("SHOW shared_buffers") == "256MB"
            assert await conn.fetchval("SHOW max_connections") == "200"
            assert await conn.fetchval("SHOW server_encoding") == "UTF8"
            await conn.execute("CREATE TABLE kept (v text)")
            await conn.execute("INSERT INTO kept VALUES ('€ survives restarts')")
        finally:
            await conn.close()
    finally:
        pg.stop()
    pid = pg.process.pid
    assert_gone(pid)
    assert not (pg.data_dir / "postmaster.pid").exists()

    started = time.monotonic()
    again = start_postgres(state_dir)  # same directory: no second initdb
    restart = time.monotonic() - started
    try:
        assert again.process.pid != pid
        conn = await asyncpg.connect(again.url())
        try:
            assert await conn.fetchval("SELECT v FROM kept") == "€ survives restarts"
        finally:
            await conn.close()
    finally:
        again.stop()
    assert_gone(again.process.pid)
    assert (state_dir / "logs" / "postgres.log").stat().st_size > 0
    assert first_start < 30, first_start  # initdb included
    assert restart < 5, restart


async def test_restart_after_a_crash_removes_the_stale_pid_file(state_dir: Path) -> None:
    pg = start_postgres(state_dir, database="crashy")
    pg.process.kill()  # SIGKILL: postmaster.pid stays behind
    assert (pg.data_dir / "postmaster.pid").exists()

    again: EmbeddedPostgres = start_postgres(state_dir, database="crashy")
    try:
        conn = await asyncpg.connect(again.url("crashy"))
        try:
            assert await conn.fetchval("SELECT 1") == 1
        finally:
            await conn.close()
    finally:
        again.stop()
    assert_gone(again.process.pid)


async def test_explicit_port_is_used(state_dir: Path) -> None:
    port = free_port()
    pg = start_postgres(state_dir, port=port)
    try:
        assert pg.port == port
        conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{port}/onramp")
        await conn.close()
    finally:
        pg.stop()


@contextmanager
def port_squatter() -> Iterator[int]:
    """Something that is not PostgreSQL listening on a port: it hangs up on every client."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        sock.settimeout(0.05)
        done = threading.Event()

        def hang_up() -> None:
            while not done.is_set():
                try:
                    conn, _ = sock.accept()
                except TimeoutError:
                    continue
                conn.close()

        thread = threading.Thread(target=hang_up, daemon=True)
        thread.start()
        try:
            yield sock.getsockname()[1]
        finally:
            done.set()
            thread.join()


async def test_taken_port(state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with port_squatter() as taken:
        with pytest.raises(RuntimeError, match="Address already in use"):
            start_postgres(state_dir, port=taken)  # explicit port: no second guess

        offered = iter([taken])  # the "free" port is taken before postgres binds it
        monkeypatch.setattr(postgres, "free_port", lambda: next(offered, None) or free_port())
        pg = start_postgres(state_dir)
        try:
            assert pg.port != taken
            conn = await asyncpg.connect(pg.url())
            await conn.close()
        finally:
            pg.stop()


async def test_another_postgres_on_the_port_is_not_taken_for_ours(state_dir: Path) -> None:
    other = start_postgres(state_dir / "other")
    try:
        with pytest.raises(RuntimeError, match="Address already in use"):
            start_postgres(state_dir / "ours", port=other.port)
    finally:
        other.stop()
