"""``onramp backup``: make a key, back the database up sealed with it, check a backup, and
restore one into an empty database; or take a base backup and recover one with the WAL archive,
to its end or to a point in time (docs/runbooks/backup-restore.md)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from onramp.core.settings import load_settings

backup_app = typer.Typer(
    help="Backups, sealed, and their restore; base backups and point-in-time recovery.",
    no_args_is_help=True,
)

KeyFile = Annotated[
    Path, typer.Option("--key-file", help="The backup key (onramp backup keygen writes one)")
]
PgBin = Annotated[
    Path | None,
    typer.Option(
        "--pg-bin", help="Directory of the PostgreSQL tools to use (pg_dump, pg_basebackup...)"
    ),
]


def _fail(exc: Exception) -> typer.Exit:
    code = getattr(exc, "code", "backup_failed")
    print(f"{code}: {exc}", file=sys.stderr)
    return typer.Exit(1)


@backup_app.command("keygen")
def keygen(out: Annotated[Path, typer.Argument(help="Where to write the new key")]) -> None:
    """Write a new random backup key (readable by its owner only). Keep it apart from the
    backups: in the operator's secret store, and offline."""
    from onramp.runtime.backup import new_key

    if out.exists():
        print(f"{out} exists; not overwriting a key", file=sys.stderr)
        raise typer.Exit(1)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as sink:
        sink.write(new_key() + "\n")
    print(f"wrote {out}")


@backup_app.command("create")
def create(
    out: Annotated[Path, typer.Argument(help="The backup file to write")],
    key_file: KeyFile,
    pg_bin: PgBin = None,
) -> None:
    """Dump the configured database into OUT, sealed with the key (AES-256-GCM)."""
    from onramp.runtime.backup import BackupError, create_backup, read_key

    try:
        header = asyncio.run(
            create_backup(load_settings().database.url, read_key(key_file), out, bin_dir=pg_bin)
        )
    except BackupError as exc:
        raise _fail(exc) from exc
    print(json.dumps({"file": str(out), "bytes": out.stat().st_size, **header}, indent=2))


@backup_app.command("verify")
def verify(
    backup: Annotated[Path, typer.Argument(help="The backup file")], key_file: KeyFile
) -> None:
    """Open every chunk of BACKUP with the key (nothing is restored); exit 1 if any fails."""
    from onramp.runtime.backup import BackupError, read_key, verify_backup

    try:
        header = verify_backup(backup, read_key(key_file))
    except BackupError as exc:
        raise _fail(exc) from exc
    print(json.dumps({"intact": True, **header}, indent=2))


@backup_app.command("restore")
def restore(
    backup: Annotated[Path, typer.Argument(help="The backup file")],
    key_file: KeyFile,
    database_url: Annotated[
        str, typer.Option("--database-url", help="An EMPTY database to restore into")
    ],
    replay_hours: Annotated[
        float,
        typer.Option(min=0, max=24 * 30, help="Events re-sent from this long before the backup"),
    ] = 24.0,
    pg_bin: PgBin = None,
) -> None:
    """Restore BACKUP into the empty database at --database-url; the outbox's recent events are
    sent again by the relay (consumers skip those they applied)."""
    from onramp.runtime.backup import BackupError, read_key, restore_backup

    try:
        done = asyncio.run(
            restore_backup(
                backup,
                read_key(key_file),
                database_url,
                replay_hours=replay_hours,
                bin_dir=pg_bin,
            )
        )
    except BackupError as exc:
        raise _fail(exc) from exc
    expected = done.header.get("counts", {})
    short = {t: (n, expected[t]) for t, n in done.counts.items() if n < expected.get(t, 0)}
    print(
        json.dumps(
            {
                "restored_from": done.header.get("created_at"),
                "schema_revision": done.header.get("schema_revision"),
                "counts": done.counts,
                "events_to_resend": done.replayed,
                "seconds": round(done.seconds, 2),
            },
            indent=2,
        )
    )
    if short:
        print(f"restored fewer rows than the backup recorded: {short}", file=sys.stderr)
        raise typer.Exit(1)


OptionalKeyFile = Annotated[
    Path | None,
    typer.Option("--key-file", help="The backup key to seal (or open) with; without, in the clear"),
]


@backup_app.command("base")
def base(
    to: Annotated[Path, typer.Option("--to", help="A new file (sealed) or directory")],
    key_file: OptionalKeyFile = None,
    pg_bin: PgBin = None,
) -> None:
    """Copy the configured database's whole cluster with pg_basebackup (the WAL of the copy's
    duration, a manifest), sealed with --key-file into the file TO (else plain files in the
    directory TO): with the WAL archive, the start of a point-in-time recovery (onramp backup
    recover). Needs a REPLICATION user."""
    from onramp.runtime.backup import BackupError, read_key, take_base_backup

    try:
        key = read_key(key_file) if key_file else None
        taken = take_base_backup(load_settings().database.url, to, key=key, bin_dir=pg_bin)
    except BackupError as exc:
        raise _fail(exc) from exc
    print(json.dumps(taken.as_dict(), indent=2))


Archive = Annotated[Path, typer.Option("--archive", help="The WAL archive directory")]
# PostgreSQL aborts a recovery whose restore_command exits above 125 (as for a signal or a
# command not found), where any other failure reads as the end of the archive.
ABORT_RECOVERY = 255


@backup_app.command("wal-push")
def wal_push(
    segment: Annotated[Path, typer.Argument(help="The finished segment (archive_command's %p)")],
    name: Annotated[str, typer.Argument(help="Its file name (%f)")],
    archive: Archive,
    key_file: KeyFile,
) -> None:
    """Seal SEGMENT into the archive as NAME.sealed (archive_command): the same segment again
    is accepted, another one of that name refused (exit 1)."""
    from onramp.runtime.backup import BackupError, push_segment, read_key

    try:
        push_segment(read_key(key_file), segment, archive, name)
    except BackupError as exc:
        raise _fail(exc) from exc


@backup_app.command("wal-fetch")
def wal_fetch(
    name: Annotated[str, typer.Argument(help="The segment to fetch (restore_command's %f)")],
    destination: Annotated[Path, typer.Argument(help="Where the server wants it (%p)")],
    archive: Archive,
    key_file: KeyFile,
) -> None:
    """Open NAME from the archive into DESTINATION (restore_command): exit 1 when the archive
    has none (its end), 255 when it does not open, which stops the recovery."""
    from onramp.runtime.backup import BackupError, SegmentAbsent, fetch_segment, read_key

    try:
        fetch_segment(read_key(key_file), archive, name, destination)
    except SegmentAbsent as exc:
        raise _fail(exc) from exc
    except BackupError as exc:
        _fail(exc)
        raise typer.Exit(ABORT_RECOVERY) from exc


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@backup_app.command("recover")
def recover(
    base_backup: Annotated[Path, typer.Argument(help="A base backup (onramp backup base)")],
    wal_archive: Annotated[
        Path, typer.Option("--wal-archive", help="The WAL archive the server was feeding")
    ],
    data_dir: Annotated[
        Path, typer.Option("--data-dir", help="A new (or empty) data directory to make")
    ],
    target_time: Annotated[
        datetime | None,
        typer.Option(
            "--target-time",
            formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S"],
            help="Stop after the last transaction committed at or before this (UTC if no "
            "offset); default: replay the whole archive",
        ),
    ] = None,
    key_file: OptionalKeyFile = None,
    pg_bin: PgBin = None,
) -> None:
    """Make DATA_DIR from BASE_BACKUP (opened with --key-file if sealed, checked with
    pg_verifybackup) set to replay the WAL archive when PostgreSQL next starts on it: to the
    archive's end, or to --target-time. Then start the server on it (the dev stack: DATA_DIR is
    <state dir>/pgdata, `onramp dev`)."""
    from onramp.runtime.backup import BackupError, prepare_recovery

    try:
        prepared = prepare_recovery(
            base_backup,
            wal_archive,
            data_dir,
            target_time=_utc(target_time) if target_time else None,
            key_file=key_file.absolute() if key_file else None,
            bin_dir=pg_bin,
        )
    except BackupError as exc:
        raise _fail(exc) from exc
    print(json.dumps(prepared.as_dict(), indent=2))
