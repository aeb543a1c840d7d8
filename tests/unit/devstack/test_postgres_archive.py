"""The embedded PostgreSQL's ``archive_command``, run as PostgreSQL runs it (``sh -c`` with
``%p`` and ``%f`` filled in, from the data directory): a segment lands whole under its name,
the same segment again is accepted, a different one of that name is refused and the archive
keeps the first; a directory with a space or a ``%`` in its name works. Sealed with a backup
key, the same, and the archive holds no byte of the segment in the clear."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from onramp.core.settings import REPO_ROOT
from onramp.devstack.postgres import WalArchive
from onramp.devstack.postgres_archive import archive_command
from onramp.runtime.backup import new_key

SEGMENT = "000000010000000000000003"


def _archive(command: str, data_dir: Path, segment: str) -> int:
    """What PostgreSQL does: %p (the segment, relative to the data directory) and %f (its
    name) substituted, %% read as one %, the shell run in the data directory."""
    filled = (
        command.replace("%%", "\0")
        .replace("%p", f"pg_wal/{segment}")
        .replace("%f", segment)
        .replace("\0", "%")
    )
    return subprocess.run(["sh", "-c", filled], cwd=data_dir, check=False).returncode


def key_file_in(folder: Path) -> Path:
    key_file = folder / "backup.key"
    key_file.write_text(new_key() + "\n")
    return key_file


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / "pgdata" / "pg_wal").mkdir(parents=True)
    return tmp_path / "pgdata"


def _write_segment(data_dir: Path, content: bytes) -> None:
    (data_dir / "pg_wal" / SEGMENT).write_bytes(content)


@pytest.mark.parametrize("name", ["wal-archive", "wal archive", "wal%farchive"])
def test_a_segment_is_archived_once_and_never_overwritten(
    tmp_path: Path, data_dir: Path, name: str
) -> None:
    archive = tmp_path / name
    archive.mkdir()
    command = archive_command(archive)
    _write_segment(data_dir, b"first")

    assert _archive(command, data_dir, SEGMENT) == 0
    assert sorted(p.name for p in archive.iterdir()) == [SEGMENT]  # no scratch copy left
    assert (archive / SEGMENT).read_bytes() == b"first"

    assert _archive(command, data_dir, SEGMENT) == 0  # a retry of the same segment

    _write_segment(data_dir, b"other")  # another cluster's segment of the same name
    assert _archive(command, data_dir, SEGMENT) != 0
    assert (archive / SEGMENT).read_bytes() == b"first"


def test_the_server_settings_turn_archiving_on(tmp_path: Path) -> None:
    settings = WalArchive(tmp_path / "archive", timeout_seconds=7).server_settings()
    assert settings["archive_mode"] == "on"
    assert settings["archive_timeout"] == "7s"
    assert str(tmp_path / "archive") in settings["archive_command"]


def test_a_new_cluster_refuses_an_archive_holding_segments(tmp_path: Path) -> None:
    archive = WalArchive(tmp_path / "archive")
    archive.prepare(user=None, new_cluster=True)  # made, empty
    (tmp_path / "archive" / SEGMENT).write_bytes(b"older")
    with pytest.raises(RuntimeError, match="holds another cluster's WAL"):
        archive.prepare(user=None, new_cluster=True)
    archive.prepare(user=None, new_cluster=False)  # the cluster that wrote it goes on


def test_the_guide_shows_the_command_the_embedded_server_runs() -> None:
    guide = (REPO_ROOT / "docs" / "runbooks" / "backup-restore.md").read_text()
    shown = archive_command(Path("/backups/onramp/wal")).replace("'", "''")
    assert f"archive_command = '{shown}'" in guide


@pytest.mark.parametrize("name", ["wal archive", "wal%farchive"])
def test_a_sealed_segment_is_archived_once_never_overwritten_and_never_in_the_clear(
    tmp_path: Path, data_dir: Path, name: str
) -> None:
    archive = tmp_path / name
    archive.mkdir()
    command = archive_command(archive, key_file_in(tmp_path))
    first = b"PostgreSQL WAL of the first cluster " * 1000
    _write_segment(data_dir, first)

    assert _archive(command, data_dir, SEGMENT) == 0
    assert sorted(p.name for p in archive.iterdir()) == [f"{SEGMENT}.sealed"]  # no scratch
    sealed = (archive / f"{SEGMENT}.sealed").read_bytes()
    assert b"PostgreSQL" not in sealed

    assert _archive(command, data_dir, SEGMENT) == 0  # a retry of the same segment

    _write_segment(data_dir, b"other")  # another cluster's segment of the same name
    assert _archive(command, data_dir, SEGMENT) != 0
    assert (archive / f"{SEGMENT}.sealed").read_bytes() == sealed
