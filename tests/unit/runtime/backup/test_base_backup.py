"""``onramp backup base`` and ``recover``: their checks before PostgreSQL copies or replays
anything, the target time read as UTC without an offset, and ``restore_command`` run as
PostgreSQL runs it."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onramp.devstack.postgres_archive import archive_command
from onramp.runtime.backup import (
    BaseBackupCorrupt,
    NotANewDirectory,
    prepare_recovery,
    take_base_backup,
)
from onramp.runtime.backup.base_backup import restore_command
from onramp.runtime.cli import app
from tests.unit.devstack.test_postgres_archive import key_file_in

SEGMENT = "000000010000000000000004"


@pytest.mark.parametrize("name", ["wal-archive", "wal archive", "wal%farchive"])
def test_the_restore_command_fetches_a_segment_and_fails_past_the_archive_end(
    tmp_path: Path, name: str
) -> None:
    archive = tmp_path / name
    archive.mkdir()
    (archive / SEGMENT).write_bytes(b"wal")
    (tmp_path / "pgdata" / "pg_wal").mkdir(parents=True)

    def restore(segment: str) -> int:
        return _restore(restore_command(archive), tmp_path / "pgdata", segment).returncode

    assert restore(SEGMENT) == 0
    assert (tmp_path / "pgdata" / "pg_wal" / "RECOVERYXLOG").read_bytes() == b"wal"
    assert restore("000000010000000000000005") != 0  # the end of the archive


def _restore(command: str, data_dir: Path, segment: str) -> subprocess.CompletedProcess[str]:
    """``command`` run as PostgreSQL runs restore_command: %p, %f and %% filled in, from the
    data directory."""
    filled = (
        command.replace("%%", "\0")
        .replace("%p", "pg_wal/RECOVERYXLOG")
        .replace("%f", segment)
        .replace("\0", "%")
    )
    return subprocess.run(  # noqa: S603 - the test's own command
        ["sh", "-c", filled], cwd=data_dir, check=False, capture_output=True, text=True
    )


@pytest.mark.parametrize("name", ["wal archive", "wal%farchive"])
def test_a_sealed_segment_is_opened_and_a_tampered_one_stops_the_recovery(
    tmp_path: Path, name: str
) -> None:
    archive = tmp_path / name
    archive.mkdir()
    key_file = key_file_in(tmp_path)
    data_dir = tmp_path / "pgdata"
    (data_dir / "pg_wal").mkdir(parents=True)
    (data_dir / "pg_wal" / SEGMENT).write_bytes(b"wal " * 5000)
    push = archive_command(archive, key_file).replace("%p", f"pg_wal/{SEGMENT}")
    assert _restore(push, data_dir, SEGMENT).returncode == 0
    command = restore_command(archive, key_file)

    assert _restore(command, data_dir, SEGMENT).returncode == 0
    assert (data_dir / "pg_wal" / "RECOVERYXLOG").read_bytes() == b"wal " * 5000
    # The end of the archive: 1, which PostgreSQL reads as "no such file".
    assert _restore(command, data_dir, "000000010000000000000005").returncode == 1

    sealed = archive / f"{SEGMENT}.sealed"
    other = "000000010000000000000006"
    (archive / f"{other}.sealed").write_bytes(sealed.read_bytes())  # under another's name
    assert _restore(command, data_dir, other).returncode == 255
    tampered = bytearray(sealed.read_bytes())
    tampered[-20] ^= 1
    sealed.write_bytes(bytes(tampered))
    refused = _restore(command, data_dir, SEGMENT)
    # Above 125: PostgreSQL stops the recovery instead of taking it for the archive's end.
    assert refused.returncode == 255
    assert "backup_corrupt" in refused.stderr


def test_recovery_refuses_a_data_directory_in_use(tmp_path: Path) -> None:
    (tmp_path / "pgdata").mkdir()
    (tmp_path / "pgdata" / "PG_VERSION").write_text("18\n")
    (tmp_path / "archive").mkdir()
    with pytest.raises(NotANewDirectory):
        prepare_recovery(tmp_path / "base", tmp_path / "archive", tmp_path / "pgdata")
    assert (tmp_path / "pgdata" / "PG_VERSION").read_text() == "18\n"


def test_recovery_refuses_a_base_backup_that_fails_its_manifest(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (base / "PG_VERSION").write_text("18\n")  # no backup_manifest: not pg_basebackup's
    (tmp_path / "archive").mkdir()
    with pytest.raises(BaseBackupCorrupt):
        prepare_recovery(base, tmp_path / "archive", tmp_path / "pgdata")
    assert not (tmp_path / "pgdata").exists()


def test_a_base_backup_goes_into_a_new_directory_only(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    with pytest.raises(NotANewDirectory):
        take_base_backup("postgresql://nobody@127.0.0.1:1/onramp", tmp_path / "base")


def test_a_target_time_without_an_offset_is_utc(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import onramp.runtime.backup

    asked: dict[str, object] = {}

    def prepare(base: Path, archive: Path, data_dir: Path, **options: object) -> object:
        asked.update(options)
        raise onramp.runtime.backup.BackupError("stop here")

    monkeypatch.setattr(onramp.runtime.backup, "prepare_recovery", prepare)
    args = ["backup", "recover", str(tmp_path / "base"), "--wal-archive", str(tmp_path)]
    args += ["--data-dir", str(tmp_path / "pgdata"), "--target-time", "2026-12-07T10:41:00"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert asked["target_time"] == datetime(2026, 12, 7, 10, 41, tzinfo=UTC)


def test_a_sealed_base_backup_holds_no_cleartext_and_a_changed_one_restores_nothing(
    tmp_path: Path,
) -> None:
    from onramp.runtime.backup import BackupCorrupt, BackupError, read_key
    from onramp.runtime.backup.base_backup import _open_tree, _seal_tree

    key_file = key_file_in(tmp_path)
    tree = tmp_path / "clear"
    (tree / "global").mkdir(parents=True)
    (tree / "postgresql.conf").write_text("# PostgreSQL configuration file\n" * 100)
    (tree / "global" / "pg_control").write_bytes(bytes(range(256)) * 5000)
    label = {"START WAL LOCATION": SEGMENT, "START TIME": "2026-12-07 12:00:00 UTC"}
    sealed = tmp_path / "base.sealed"
    _seal_tree(read_key(key_file), tree, sealed, label)
    assert b"PostgreSQL" not in sealed.read_bytes()
    assert not (tmp_path / "base.sealed.sealing").exists()

    _open_tree(read_key(key_file), sealed, tmp_path / "opened")
    assert (tmp_path / "opened" / "postgresql.conf").read_text() == (
        tree / "postgresql.conf"
    ).read_text()
    opened_control = (tmp_path / "opened" / "global" / "pg_control").read_bytes()
    assert opened_control == (tree / "global" / "pg_control").read_bytes()

    (tmp_path / "archive").mkdir()
    with pytest.raises(BackupError, match="sealed base backup: open it with --key-file"):
        prepare_recovery(sealed, tmp_path / "archive", tmp_path / "pgdata")

    changed = bytearray(sealed.read_bytes())
    changed[len(changed) // 2] ^= 1
    sealed.write_bytes(bytes(changed))
    with pytest.raises(BackupCorrupt):
        prepare_recovery(sealed, tmp_path / "archive", tmp_path / "pgdata", key_file=key_file)
    assert not (tmp_path / "pgdata").exists()
    assert not (tmp_path / "pgdata.partial").exists()
