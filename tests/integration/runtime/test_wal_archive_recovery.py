"""The restore drill with a base backup and the WAL archive: no committed order lost.

A stack of the test's own runs its PostgreSQL with continuous WAL archiving; a base backup is
taken (``pg_basebackup``), then orders are committed after it: one completed (its deposit,
conversion and payout booked), one awaiting its deposit. The archive closes its segment
(``pg_switch_wal()``, as ``archive_timeout`` would), then PostgreSQL is SIGKILLed and its data
directory deleted. A new data directory from the base backup replays the archive: every order
and every posting committed is there, the trial balance is zero, the audit chain verifies and
the money checker's invariants hold. The RPO the drill records is zero orders.

The point-in-time variant, on a PostgreSQL of its own and through the ``onramp backup base`` and
``onramp backup recover`` commands: recovered to a moment between two commits, only the first
is there; recovered to the end of the archive, both.

Both run sealed: the base backup and every archived segment in the backup envelope, with the
backup key; no row written after the base backup, and no page of the cluster, is readable in
the archive or the base backup without it.

Without archiving, neither passes: the closed segment never reaches the archive, and a base
backup alone has none of the later commits.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from typer.testing import CliRunner

from onramp.core.clock import utcnow
from onramp.devstack.postgres import EmbeddedPostgres, WalArchive, start_postgres
from onramp.devstack.stack import start_stack
from onramp.ledger import trial_balance_of_database
from onramp.runtime.backup import new_key, prepare_recovery, read_key, take_base_backup
from onramp.runtime.checks import Scope, check_stack
from onramp.runtime.cli import app
from tests.e2e.conftest import pay, register

pytestmark = pytest.mark.integration

# Small, as a test wants; the drill closes its segment itself (pg_switch_wal) all the same.
ARCHIVE_TIMEOUT_SECONDS = 5


async def _fetch(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def close_segment_and_wait_archived(url: str, archive: Path, timeout: float = 30.0) -> str:
    """Close the current WAL segment (what ``archive_timeout`` does while anything is written)
    and wait until the archive holds it: everything committed before is in the archive."""
    [row] = await _fetch(url, "SELECT pg_walfile_name(pg_switch_wal()) AS segment")
    segment: str = row["segment"]
    deadline = time.monotonic() + timeout
    while not (archive / f"{segment}.sealed").is_file():
        assert time.monotonic() < deadline, f"{segment} never reached {archive}"
        await asyncio.sleep(0.1)
    return segment


def _lose(postgres: EmbeddedPostgres) -> None:
    """The server and its disk gone at once: SIGKILL, the data directory deleted."""
    postgres.process.popen.send_signal(signal.SIGKILL)
    postgres.process.popen.wait(timeout=10)
    shutil.rmtree(postgres.data_dir)


async def _books_of(url: str, order_ids: list[uuid.UUID]) -> dict[str, Any]:
    """The orders' states and every posting of the entries about them or their deposits."""
    orders = await _fetch(
        url, "SELECT id, state, deposit_id FROM orders WHERE id = ANY($1) ORDER BY id", order_ids
    )
    causes = [str(o["id"]) for o in orders] + [str(o["deposit_id"]) for o in orders]
    postings = await _fetch(
        url,
        "SELECT e.kind, e.reference, p.account_id, p.currency, p.amount"
        " FROM journal_entries e JOIN postings p ON p.entry_id = e.id"
        " WHERE e.reference = ANY($1) ORDER BY p.id",
        causes,
    )
    return {
        "orders": [(o["id"], o["state"]) for o in orders],
        "postings": [tuple(p.values()) for p in postings],
    }


def _key_file(state_dir: Path) -> Path:
    state_dir.mkdir(parents=True, exist_ok=True)
    key_file = state_dir / "backup.key"
    key_file.write_text(new_key() + "\n")
    return key_file


def _files_holding(marker: bytes, *places: Path) -> list[Path]:
    files = [p for place in places for p in ([place] if place.is_file() else place.rglob("*"))]
    return [f for f in files if f.is_file() and marker in f.read_bytes()]


async def test_a_lost_database_comes_back_from_base_backup_and_wal_with_every_committed_order(
    state_dir: Path, record_property: Callable[[str, object], None]
) -> None:
    archive = state_dir / "wal-archive"
    key_file = _key_file(state_dir)
    stack = await asyncio.to_thread(
        start_stack,
        state_dir,
        worker_groups=True,  # four processes to start, not one per worker
        wal_archive=WalArchive(archive, ARCHIVE_TIMEOUT_SECONDS, key_file),
    )
    try:
        assert stack.bank is not None
        assert isinstance(stack.postgres, EmbeddedPostgres)
        url = stack.settings.database.url
        base = await asyncio.to_thread(
            take_base_backup, url, state_dir / "base.sealed", key=read_key(key_file)
        )
        async with (
            httpx.AsyncClient(base_url=stack.api_url, timeout=10.0) as client,
            httpx.AsyncClient(base_url=stack.bank.url, timeout=10.0) as bank,
        ):
            customer = await register(client, stack)
            done = await customer.order(await customer.quote("41.00"))
            await pay(bank, done)
            await customer.wait_for(done["id"], "completed")
            waiting = await customer.order(await customer.quote("42.00"))
        ids = [uuid.UUID(done["id"]), uuid.UUID(waiting["id"])]
        committed = await _books_of(url, ids)
        assert [state for _, state in committed["orders"]] == ["completed", "awaiting_funds"]
        assert committed["postings"]  # the completed order's deposit, conversion and payout
        await close_segment_and_wait_archived(url, archive)

        started = time.monotonic()
        await asyncio.to_thread(_lose, stack.postgres)
        await asyncio.to_thread(prepare_recovery, state_dir / "base.sealed", archive,
                                state_dir / "recovered" / "pgdata", key_file=key_file)  # fmt: skip
        recovered = await asyncio.to_thread(start_postgres, state_dir / "recovered")
        rto = time.monotonic() - started
        try:
            new_url = recovered.url()
            restored = await _books_of(new_url, ids)
            assert restored == committed  # every committed order and posting, as it was
            assert (await trial_balance_of_database(new_url)).balanced
            settings = stack.settings.model_copy(
                update={"database": stack.settings.database.model_copy(update={"url": new_url})}
            )
            found = await check_stack(settings, scope=Scope(now=utcnow(), grace=timedelta(0)))
            assert [r.line() for r in found if not r.holds] == []
        finally:
            await asyncio.to_thread(recovered.stop)
        # The drill's figures, in the JUnit report (and `pytest -rA`): lost to writable again.
        record_property("base_backup_seconds", round(base.seconds, 1))
        record_property("rto_seconds", round(rto, 1))
        record_property("rpo_orders_lost", len(ids) - len(restored["orders"]))
    finally:
        await asyncio.to_thread(stack.stop)


def _backup(*args: str, database_url: str = "") -> dict[str, Any]:
    """``onramp backup ARGS`` (against the database at ``database_url``); its JSON answer."""
    result = CliRunner().invoke(app, ["backup", *args], env={"ONRAMP_DATABASE__URL": database_url})
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


async def _committed(url: str, what: str) -> datetime:
    """Insert ``what`` in a transaction of its own; a moment after its commit (server clock)."""
    await _fetch(url, "INSERT INTO drill (what) VALUES ($1)", what)
    [row] = await _fetch(url, "SELECT clock_timestamp() AS now")
    moment: datetime = row["now"]
    return moment


async def _recovered_rows(state_dir: Path, base: Path, archive: Path, *target: str) -> list[str]:
    data_dir = state_dir / "pgdata"
    answer = _backup("recover", str(base), "--wal-archive", str(archive),
                     "--data-dir", str(data_dir), *target)  # fmt: skip
    assert answer["archived_segments"] > 0
    assert answer["data_dir"] == str(data_dir)
    server = await asyncio.to_thread(start_postgres, state_dir)
    try:
        rows = await _fetch(server.url(), "SELECT what FROM drill ORDER BY id")
    finally:
        await asyncio.to_thread(server.stop)
    return [r["what"] for r in rows]


async def test_a_point_in_time_recovery_keeps_what_was_committed_before_the_target(
    state_dir: Path,
) -> None:
    archive = state_dir / "wal-archive"
    key_file = _key_file(state_dir)
    primary = await asyncio.to_thread(
        start_postgres,
        state_dir / "primary",
        wal_archive=WalArchive(archive, ARCHIVE_TIMEOUT_SECONDS, key_file),
    )
    marker = f"drill-{uuid.uuid4()}"
    try:
        url = primary.url()
        await _fetch(url, "CREATE TABLE drill (id serial PRIMARY KEY, what text NOT NULL)")
        base = state_dir / "base.sealed"
        taken = _backup("base", "--to", str(base), "--key-file", str(key_file), database_url=url)
        assert taken["base_backup"] == str(base)
        assert base.is_file()
        assert not base.with_name("base.sealed.partial").exists()  # no clear copy left
        between = await _committed(url, f"first {marker}")
        await _committed(url, "second")
        await close_segment_and_wait_archived(url, archive)
    finally:
        await asyncio.to_thread(_lose, primary)

    # At rest, neither the row nor any page the server wrote (its catalog names PostgreSQL).
    assert _files_holding(marker.encode(), archive, base) == []
    assert _files_holding(b"PostgreSQL", archive, base) == []
    key = ("--key-file", str(key_file))
    target = between.isoformat(timespec="microseconds")
    assert await _recovered_rows(state_dir / "to-a-moment", base, archive, *key,
                                 "--target-time", target) == [f"first {marker}"]  # fmt: skip
    assert await _recovered_rows(state_dir / "to-the-end", base, archive,
                                 *key) == [f"first {marker}", "second"]  # fmt: skip

    # A segment changed in the archive: the recovery stops rather than ending early.
    sealed = sorted(archive.glob("*.sealed"))[-1]
    tampered = bytearray(sealed.read_bytes())
    tampered[len(tampered) // 2] ^= 1
    sealed.write_bytes(bytes(tampered))
    with pytest.raises(Exception):  # noqa: B017, PT011 - the server refuses to start
        await _recovered_rows(state_dir / "tampered", base, archive, *key)
    log = "\n".join(p.read_text() for p in (state_dir / "tampered").rglob("*.log"))
    assert "backup_corrupt" in log
