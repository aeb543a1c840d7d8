"""Continuous WAL archiving of the embedded PostgreSQL into a directory
(docs/runbooks/backup-restore.md, "Base backup and WAL archive").

PostgreSQL itself runs the copy: ``archive_mode=on`` and an ``archive_command`` built from
``test``, ``cp``, ``sync`` and ``mv`` — no archiver of ours. A segment is copied to a hidden
temporary name, flushed, then renamed, so the archive never holds half a segment; a segment
already archived is never overwritten (PostgreSQL retries a failed copy: the same bytes are
accepted, other bytes are refused and archiving stops, which ``pg_stat_archiver`` and the log
show). ``archive_timeout`` closes a segment at least that often while anything is written, so
at most that long of committed work is outside the archive (the RPO of losing the server
together with its disk; zero for a clean switch, as ``pg_switch_wal()`` makes one).

With a backup key (``ONRAMP_DEV__WAL_ARCHIVE_KEY_FILE``), each segment is sealed instead, by
``onramp backup wal-push`` (runtime/backup/wal.py, the same properties): the command names a
Python and the key by absolute paths (core/server_commands.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from onramp.core.server_commands import onramp_command, shell_folder, shell_path
from onramp.devstack.postgres_users import chown_to


@dataclass(frozen=True)
class WalArchive:
    """Where finished WAL segments are copied, and how often a segment is closed at the latest."""

    directory: Path
    timeout_seconds: int = 60
    key_file: Path | None = None  # seal each segment with this backup key

    def server_settings(self) -> dict[str, str]:
        return {
            "archive_mode": "on",
            "archive_command": archive_command(self.directory, self.key_file),
            "archive_timeout": f"{self.timeout_seconds}s",
        }

    def prepare(self, *, user: str | None, new_cluster: bool) -> None:
        """Create the directory for ``user`` (who runs the server). A cluster just made by
        ``initdb`` starts its WAL at the same segment names as any other: an archive that
        already holds segments belongs to another cluster, and is refused rather than mixed."""
        directory = self.directory
        if new_cluster and directory.is_dir() and any(directory.iterdir()):
            raise RuntimeError(
                f"the WAL archive {directory} holds another cluster's WAL (this one was just "
                "created): empty it or archive into a new directory"
            )
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        chown_to(directory, user)
        if self.key_file is not None:
            chown_to(self.key_file, user)  # the server's user seals each segment with it


def _in(directory: Path, name: str) -> str:
    """``directory/name`` for the shell, ``name`` being a PostgreSQL placeholder (``%f``) or
    derived from one; the directory's own ``%`` doubled, as PostgreSQL reads ``%%`` as one."""
    return shell_folder(directory) + name


def archive_command(directory: Path, key_file: Path | None = None) -> str:
    """With ``key_file``, seal the finished segment ``%p`` into ``directory/%f.sealed``
    (``onramp backup wal-push``); without, copy it to ``directory/%f``. Either way accepted
    when that exact segment is there already, refused when another one is."""
    if key_file is not None:
        where = ["--archive", shell_path(directory), "--key-file", shell_path(key_file)]
        return onramp_command("backup", "wal-push", "%p", "%f", *where)
    return _copy_command(directory)


def _copy_command(directory: Path) -> str:
    """Copy the finished segment ``%p`` (relative to the data directory) to ``directory/%f``:
    accepted when that exact file is there already, refused when another one is."""
    target, scratch, folder = (
        _in(directory, "%f"),
        _in(directory, ".%f.copying"),
        _in(directory, ""),
    )
    return (
        f"if test -f {target}; then cmp -s %p {target}; "
        f"else cp %p {scratch} && sync {scratch} && mv {scratch} {target} && sync {folder}; fi"
    )
