"""``onramp backup``: make a key, back the database up sealed with it, check a backup, and
restore one into an empty database (docs/runbooks/backup-restore.md)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from onramp.core.settings import load_settings

backup_app = typer.Typer(help="Backups, sealed, and their restore.", no_args_is_help=True)

KeyFile = Annotated[
    Path, typer.Option("--key-file", help="The backup key (onramp backup keygen writes one)")
]
PgBin = Annotated[
    Path | None, typer.Option("--pg-bin", help="Directory of pg_dump/pg_restore to use")
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
