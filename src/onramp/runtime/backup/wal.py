"""``onramp backup wal-push`` and ``wal-fetch``: the WAL archive's segments sealed in the backup
envelope (envelope.py) with the backup key, as PostgreSQL's ``archive_command`` and
``restore_command`` run them (docs/runbooks/backup-restore.md).

A segment is sealed to a hidden scratch name, flushed, renamed to ``<name>.sealed`` and the
directory flushed, so the archive never holds half a segment. Offered again (PostgreSQL retries
a copy it saw fail), the same segment is accepted and another one of that name refused: the
archive keeps the first. A fetched segment is opened whole, every chunk authenticated, before
any byte reaches the server, and lands at ``%p`` by a rename (a fetch killed half-way leaves
no short segment there).
"""

from __future__ import annotations

import os
from pathlib import Path

from onramp.runtime.backup.envelope import BackupError, open_chunks, read_chunks, seal

SEALED = ".sealed"
FORMAT = "onramp-wal/1"


class SegmentConflict(BackupError):
    code = "wal_segment_conflict"
    title = "The archive already holds another segment of that name"


class SegmentAbsent(BackupError):
    code = "wal_segment_absent"
    title = "The archive has no such segment (the end of the archive)"


def sealed_path(archive: Path, name: str) -> Path:
    return archive / f"{name}{SEALED}"


def _opened(key: bytes, path: Path, name: str) -> bytes:
    """The segment ``name`` sealed at ``path``, every chunk checked; the header must name it
    (a sealed segment renamed to another's name does not open as that one)."""
    with path.open("rb") as source:
        header, chunks = open_chunks(key, source)
        plain = b"".join(chunks)
    if header.get("format") != FORMAT or header.get("segment") != name:
        raise BackupError(f"{path} is not the sealed WAL file {name}")
    return plain


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def push_segment(key: bytes, source: Path, archive: Path, name: str) -> bool:
    """Seal ``source`` (PostgreSQL's ``%p``) into the archive as ``name`` (``%f``); False when
    that very segment is there already."""
    target = sealed_path(archive, name)
    if target.exists():
        if _opened(key, target, name) != source.read_bytes():
            raise SegmentConflict(f"{target} holds another {name}; the archive keeps it")
        return False
    scratch = archive / f".{name}{SEALED}.sealing"
    with source.open("rb") as plain, scratch.open("wb") as out:
        seal(key, {"format": FORMAT, "segment": name}, read_chunks(plain), out)
        out.flush()
        os.fsync(out.fileno())
    scratch.rename(target)
    _fsync(archive)
    return True


def fetch_segment(key: bytes, archive: Path, name: str, destination: Path) -> None:
    """Open ``name`` from the archive into ``destination`` (PostgreSQL's ``%p``):
    ``SegmentAbsent`` when the archive has none, ``BackupCorrupt`` when it does not open."""
    source = sealed_path(archive, name)
    if not source.is_file():
        raise SegmentAbsent(f"no {name} in {archive}")
    # Whole or not at all: a fetch killed half-way leaves a scratch file, never a short %p.
    scratch = destination.with_name(f".{destination.name}.fetching")
    scratch.write_bytes(_opened(key, source, name))
    scratch.rename(destination)
