"""``onramp backup base`` and ``onramp backup recover``: a physical base backup of the cluster
(``pg_basebackup``), and a new data directory made from one plus the WAL archive, recovering to
the end of the archive or to a point in time (docs/runbooks/backup-restore.md).

Only PostgreSQL's tools do the work: ``pg_basebackup`` copies the cluster with the WAL of the
copy's own duration (``--wal-method=stream``, so the backup alone is consistent) and a manifest;
``pg_verifybackup`` checks it before a restore uses it; the server replays the archive itself
(``recovery.signal`` and ``restore_command``), then promotes to a new timeline. What the
archive holds up to the last segment it received comes back: with the archive fed up to the
moment of loss, every committed transaction.

With the backup key, both are sealed like ``onramp backup create`` (envelope.py): the base
backup is one file, the copy as a tar in the envelope (the clear copy removed once sealed), and
recovery opens it into the new data directory, every chunk authenticated, then checks it
against its manifest; the archive's segments are sealed by ``onramp backup wal-push`` and
opened by ``onramp backup wal-fetch`` (wal.py). Without a key they are the cluster's own files
in the clear, for encrypted storage only.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from onramp.core.server_commands import onramp_command, shell_folder, shell_path
from onramp.runtime.backup.archive import libpq_url, pg_tool
from onramp.runtime.backup.envelope import (
    CHUNK,
    BackupError,
    open_chunks,
    read_chunks,
    read_key,
    seal,
)
from onramp.runtime.backup.wal import SEALED

BASE_FORMAT = "onramp-base-backup/1"

# PostgreSQL's WAL segment files: timeline, then log and segment numbers, 8 hex digits each.
_SEGMENT = re.compile(r"[0-9A-F]{24}")


class BaseBackupCorrupt(BackupError):
    code = "base_backup_corrupt"
    title = "The base backup does not match its manifest"


class NotANewDirectory(BackupError):
    code = "not_a_new_directory"
    title = "A base backup, and a recovery from one, go into a new directory"


@dataclass(frozen=True)
class BaseBackup:
    directory: Path
    start_wal_file: str  # the oldest archived segment this backup needs
    started: str  # when the copy began, as the server wrote it in backup_label
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "base_backup": str(self.directory),
            "start_wal_file": self.start_wal_file,
            "started": self.started,
            "seconds": round(self.seconds, 2),
        }


@dataclass(frozen=True)
class RecoveryPrepared:
    data_dir: Path
    target_time: datetime | None
    archived_segments: int
    newest_archived: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "data_dir": str(self.data_dir),
            "recover_to": self.target_time.isoformat() if self.target_time else "end of archive",
            "archived_segments": self.archived_segments,
            "newest_archived": self.newest_archived,
        }


def _run(argv: list[str], what: str, error: type[BackupError] = BackupError) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise error(f"{what} failed: {(done.stderr or done.stdout).strip()}")


def take_base_backup(
    url: str, to: Path, *, key: bytes | None = None, bin_dir: Path | None = None
) -> BaseBackup:
    """``pg_basebackup`` of the cluster serving ``url`` into the new directory ``to`` (with
    ``key``: the new file ``to``, sealed): written under a scratch name and renamed once whole,
    so a directory or file of that name is a whole backup. ``url``'s user needs the REPLICATION
    attribute (the dev stack's superuser has it)."""
    if to.exists():
        raise NotANewDirectory(f"{to} exists; a base backup goes into a new directory")
    started = time.monotonic()
    partial = to.with_name(to.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        _run(
            [
                pg_tool("pg_basebackup", bin_dir),
                "--dbname",
                libpq_url(url),
                "--pgdata",
                str(partial),
                "--format=plain",
                "--wal-method=stream",
                "--checkpoint=fast",
                "--manifest-checksums=SHA256",
                "--no-password",
            ],
            "pg_basebackup",
        )
        label = _backup_label(partial)
        if key is not None:
            _seal_tree(key, partial, to, label)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if key is None:
        partial.rename(to)
    else:
        shutil.rmtree(partial)  # the clear copy, now sealed
    return BaseBackup(
        to, label["START WAL LOCATION"], label["START TIME"], time.monotonic() - started
    )


def _seal_tree(key: bytes, tree: Path, to: Path, label: dict[str, str]) -> None:
    """``tree`` as a tar, sealed into the new file ``to`` (a scratch name renamed once whole);
    the tar is written by a thread into a pipe the envelope reads in chunks."""
    read_end, write_end = os.pipe()
    failed: list[BaseException] = []

    def write_tar() -> None:
        try:
            with os.fdopen(write_end, "wb") as sink, tarfile.open(fileobj=sink, mode="w|") as tar:
                tar.add(tree, arcname=".")
        except BaseException as exc:  # noqa: BLE001 - handed to the reading side
            failed.append(exc)

    writer = threading.Thread(target=write_tar, daemon=True)
    writer.start()
    scratch = to.with_name(to.name + ".sealing")
    header = {"format": BASE_FORMAT, "start_wal_file": label["START WAL LOCATION"],
              "started": label["START TIME"]}  # fmt: skip
    try:
        with os.fdopen(read_end, "rb") as source, scratch.open("wb") as out:
            seal(key, header, read_chunks(source), out)
            out.flush()
            os.fsync(out.fileno())
        writer.join()
        if failed:
            raise BackupError(f"cannot archive {tree}: {failed[0]}")
        scratch.rename(to)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise


class _Chunks(io.RawIOBase):
    """The opened chunks of a sealed file, as the stream ``tarfile`` reads."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._rest = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._rest:
            self._rest = next(self._chunks, b"")
            if not self._rest:
                return 0
        size = min(len(buffer), len(self._rest))
        buffer[:size], self._rest = self._rest[:size], self._rest[size:]
        return size


def _open_tree(key: bytes, sealed: Path, into: Path) -> None:
    with sealed.open("rb") as source:
        header, chunks = open_chunks(key, source)
        if header.get("format") != BASE_FORMAT:
            raise BackupError(f"{sealed} is not a sealed base backup")
        stream: IO[bytes] = io.BufferedReader(_Chunks(chunks), CHUNK)
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            # The archive was sealed by us and each chunk is authenticated before tar reads
            # it; the "tar" filter still refuses absolute paths and members leaving ``into``.
            tar.extractall(into, filter="tar")  # nosec B202


def _backup_label(base: Path) -> dict[str, str]:
    """``backup_label``'s fields; the start WAL location's file name alone
    (``0/2000028 (file 000000010000000000000002)``)."""
    fields: dict[str, str] = {}
    for line in (base / "backup_label").read_text().splitlines():
        name, _, value = line.partition(": ")
        fields[name] = value
    found = _SEGMENT.search(fields.get("START WAL LOCATION", ""))
    if found is None:
        raise BaseBackupCorrupt(f"{base} has no readable backup_label")
    fields["START WAL LOCATION"] = found.group()
    return fields


def _conf_string(value: str) -> str:
    """A postgresql.conf string literal."""
    return "'" + value.replace("'", "''") + "'"


def restore_command(archive: Path, key_file: Path | None = None) -> str:
    """Segment ``%f`` from the archive to ``%p``: non-zero when the archive has no such file,
    which is how the replay finds the end of the archive. With ``key_file``, opened from
    ``%f.sealed`` (``onramp backup wal-fetch``), a segment that does not open stopping the
    recovery."""
    if key_file is not None:
        where = ["--archive", shell_path(archive), "--key-file", shell_path(key_file)]
        return onramp_command("backup", "wal-fetch", "%f", "%p", *where)
    return f"cp {shell_folder(archive)}%f %p"


def prepare_recovery(
    base: Path,
    archive: Path,
    data_dir: Path,
    *,
    target_time: datetime | None = None,
    key_file: Path | None = None,
    bin_dir: Path | None = None,
) -> RecoveryPrepared:
    """A new ``data_dir`` from the base backup (checked against its manifest first) that, once
    a server starts on it, replays the archive to its end or to ``target_time`` (the last
    transaction committed at or before it), then promotes and accepts writes.

    When run as root, the files are given to the archive's owner: the server's OS user, who
    wrote the archive (PostgreSQL refuses a data directory it does not own).

    With ``key_file``, ``base`` is a sealed base backup and the archive sealed segments; the
    server's user reads the key at each segment."""
    if data_dir.exists() and any(data_dir.iterdir()):
        raise NotANewDirectory(f"{data_dir} is not empty; recover into a new directory")
    if not archive.is_dir():
        raise BackupError(f"no WAL archive at {archive}")
    partial = data_dir.with_name(data_dir.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        _unpack(base, partial, key_file, bin_dir)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    partial.chmod(0o700)
    (partial / "recovery.signal").touch()
    settings = {
        "restore_command": restore_command(archive, key_file),
        # The default, written down: the archive's newest timeline, a restore's included.
        "recovery_target_timeline": "latest",
        "recovery_target_action": "promote",
    }
    if target_time is not None:
        settings["recovery_target_time"] = target_time.isoformat()
    with (partial / "postgresql.auto.conf").open("a") as conf:
        conf.write("\n# onramp backup recover\n")
        conf.writelines(f"{name} = {_conf_string(value)}\n" for name, value in settings.items())
    if os.geteuid() == 0:
        _chown_tree(partial, archive.stat().st_uid, archive.stat().st_gid)
    if data_dir.exists():
        data_dir.rmdir()  # empty (checked above)
    partial.rename(data_dir)
    names = (p.name.removesuffix(SEALED) if key_file else p.name for p in archive.iterdir())
    segments = sorted(name for name in names if _SEGMENT.fullmatch(name))
    return RecoveryPrepared(
        data_dir, target_time, len(segments), segments[-1] if segments else None
    )


def _unpack(base: Path, partial: Path, key_file: Path | None, bin_dir: Path | None) -> None:
    """The base backup's files into ``partial``, checked against the manifest: a sealed one
    opened first (every chunk authenticated), a plain one checked before it is copied."""
    verify = [pg_tool("pg_verifybackup", bin_dir), "--quiet"]
    if key_file is None:
        if base.is_file():
            raise BackupError(f"{base} is a sealed base backup: open it with --key-file")
        _run([*verify, str(base)], "pg_verifybackup", BaseBackupCorrupt)
        shutil.copytree(base, partial, symlinks=True)
        return
    if not base.is_file():
        raise BackupError(f"{base} is not a sealed base backup (a file; onramp backup base)")
    partial.mkdir(mode=0o700, parents=True)
    _open_tree(read_key(key_file), base, partial)
    _run([*verify, str(partial)], "pg_verifybackup", BaseBackupCorrupt)


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    os.chown(root, uid, gid)
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            os.chown(Path(folder) / name, uid, gid, follow_symlinks=False)
