"""The restore drill: the test stack's database (its ledger, audit chain and outbox as the
session's tests left them, plus an entry and an event of this test's own) is backed up sealed,
restored into a new embedded PostgreSQL, and checked there: the trial balance is zero, the audit
chain verifies, no table lost a row, and the events of the replay window are unpublished again
for the relay. A corrupt backup or a target that is not empty restores nothing."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner, Result

from onramp.core.audit import record, verify_database
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.core.outbox import OutboxMessage, emit
from onramp.devstack.postgres import EmbeddedPostgres, start_postgres
from onramp.devstack.stack import Stack
from onramp.ledger import (
    bank_account,
    credit,
    debit,
    entry,
    fees_account,
    post_entries,
    trial_balance_of_database,
)
from onramp.runtime.backup import (
    BackupCorrupt,
    RestoreTargetNotEmpty,
    create_backup,
    new_key,
    read_key,
    restore_backup,
)
from onramp.runtime.cli import app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def target() -> Iterator[EmbeddedPostgres]:
    # Not pytest's tmp_path: as root, PostgreSQL runs as its own user (see tests/conftest.py).
    state_dir = Path(tempfile.mkdtemp(prefix="onramp-restore-"))
    pg = start_postgres(state_dir, database="restored")
    try:
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(state_dir, ignore_errors=True)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "backup.key"
    path.write_text(new_key())
    return path


async def _mark(sessions: async_sessionmaker[AsyncSession]) -> str:
    """An entry, an audit record and an event of this test's own, so the drill never runs on
    an empty database."""
    ref = uuid7().hex
    async with unit_of_work(sessions) as session:
        fee = Money(123, "EUR")
        await post_entries(
            session,
            [
                entry(
                    "backup_drill",
                    ref,
                    debit(bank_account("sandbox", "EUR"), fee),
                    credit(fees_account("EUR"), fee),
                )
            ],
        )
        await record(
            session, actor="test", action="backup.drill", entity_type="drill", entity_id=ref
        )
        event = await emit(session, "onramp.backup_drill.marked.v1", {"ref": ref}, source="tests")
        # As the relay of a running stack would have: the event left before the backup.
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == event.id).values(published_at=utcnow())
        )
    return ref


async def test_the_restore_drill(
    infra: Stack,
    sessions: async_sessionmaker[AsyncSession],
    target: EmbeddedPostgres,
    key_file: Path,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    ref = await _mark(sessions)
    backup = tmp_path / "onramp.backup"
    started = time.monotonic()
    header = await create_backup(infra.settings.database.url, read_key(key_file), backup)
    took_backup = time.monotonic() - started
    assert backup.exists()
    assert not backup.with_name("onramp.backup.partial").exists()
    assert ref.encode() not in backup.read_bytes()  # sealed: nothing readable without the key

    restored = await restore_backup(backup, read_key(key_file), target.url("restored"))
    # The drill's figures, printed by `pytest -s` or kept in the JUnit report: the restore is
    # the database's RTO; its RPO is zero with WAL archiving (docs/runbooks/backup-restore.md).
    record_property("backup_seconds", round(took_backup, 2))
    record_property("restore_seconds", round(restored.seconds, 2))
    for table, count in header["counts"].items():
        assert restored.counts[table] >= count
    tb = await trial_balance_of_database(target.url("restored"))
    assert tb.balanced
    audit = await verify_database(target.url("restored"))
    assert audit.intact
    conn = await asyncpg.connect(target.url("restored"))
    try:
        assert (
            await conn.fetchval("SELECT count(*) FROM journal_entries WHERE reference = $1", ref)
            == 1
        )
        # The replay window: this test's event (and every recent one) waits for the relay again.
        assert (
            await conn.fetchval(
                "SELECT published_at FROM outbox WHERE payload::text LIKE $1", f"%{ref}%"
            )
            is None
        )
        assert restored.replayed >= 1

        # A second restore over it is refused and changes nothing.
        before = await conn.fetchval("SELECT count(*) FROM journal_entries")
    finally:
        await conn.close()
    with pytest.raises(RestoreTargetNotEmpty):
        await restore_backup(backup, read_key(key_file), target.url("restored"))
    conn = await asyncpg.connect(target.url("restored"))
    try:
        assert await conn.fetchval("SELECT count(*) FROM journal_entries") == before
    finally:
        await conn.close()


async def test_a_corrupt_backup_restores_nothing(
    infra: Stack, target: EmbeddedPostgres, key_file: Path, tmp_path: Path
) -> None:
    conn = await asyncpg.connect(target.url("postgres"))
    try:
        await conn.execute("CREATE DATABASE corrupt_target")
    finally:
        await conn.close()
    backup = tmp_path / "onramp.backup"
    await create_backup(infra.settings.database.url, read_key(key_file), backup)
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup.write_bytes(bytes(data))
    with pytest.raises(BackupCorrupt):
        await restore_backup(backup, read_key(key_file), target.url("corrupt_target"))
    conn = await asyncpg.connect(target.url("corrupt_target"))
    try:
        assert (
            await conn.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0
        )
    finally:
        await conn.close()


def test_the_commands(
    infra: Stack, key_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONRAMP_DATABASE__URL", infra.settings.database.url)

    def onramp(*args: str) -> Result:
        return CliRunner().invoke(app, ["backup", *args])

    fresh = tmp_path / "fresh.key"
    assert onramp("keygen", str(fresh)).exit_code == 0
    assert fresh.stat().st_mode & 0o777 == 0o600
    assert onramp("keygen", str(fresh)).exit_code == 1  # never overwrites a key
    backup = tmp_path / "cli.backup"
    made = onramp("create", str(backup), "--key-file", str(fresh))
    assert made.exit_code == 0, made.stderr
    assert onramp("verify", str(backup), "--key-file", str(fresh)).exit_code == 0
    wrong = onramp("verify", str(backup), "--key-file", str(key_file))
    assert wrong.exit_code == 1
    assert wrong.stderr.startswith("backup_corrupt:")
