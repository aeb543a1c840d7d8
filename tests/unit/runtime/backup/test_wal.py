"""The WAL archive's sealed segments: pushed once, the same one offered again accepted and
another of its name refused; fetched whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from onramp.runtime.backup.envelope import BackupError
from onramp.runtime.backup.wal import (
    SegmentAbsent,
    SegmentConflict,
    fetch_segment,
    push_segment,
    sealed_path,
)

KEY = bytes(range(32))
SEGMENT = "000000010000000000000007"


def _segment(tmp_path: Path, body: bytes) -> Path:
    source = tmp_path / "pg_wal" / SEGMENT
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(body)
    return source


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir()
    return folder


def test_a_pushed_segment_is_fetched_as_it_was(tmp_path: Path, archive: Path) -> None:
    body = os.urandom(3 * 1024 * 1024 + 17)  # more than one envelope chunk
    assert push_segment(KEY, _segment(tmp_path, body), archive, SEGMENT)
    assert body not in sealed_path(archive, SEGMENT).read_bytes()
    restored = tmp_path / "restored" / "RECOVERYXLOG"
    restored.parent.mkdir()
    fetch_segment(KEY, archive, SEGMENT, restored)
    assert restored.read_bytes() == body
    assert sorted(p.name for p in restored.parent.iterdir()) == ["RECOVERYXLOG"]


def test_the_same_segment_again_is_accepted_and_another_of_its_name_refused(
    tmp_path: Path, archive: Path
) -> None:
    assert push_segment(KEY, _segment(tmp_path, b"first"), archive, SEGMENT)
    assert not push_segment(KEY, _segment(tmp_path, b"first"), archive, SEGMENT)
    with pytest.raises(SegmentConflict):
        push_segment(KEY, _segment(tmp_path, b"other"), archive, SEGMENT)
    fetched = tmp_path / "fetched"
    fetch_segment(KEY, archive, SEGMENT, fetched)
    assert fetched.read_bytes() == b"first"


def test_past_the_archive_end_nothing_is_written(tmp_path: Path, archive: Path) -> None:
    with pytest.raises(SegmentAbsent):
        fetch_segment(KEY, archive, SEGMENT, tmp_path / "RECOVERYXLOG")
    assert not (tmp_path / "RECOVERYXLOG").exists()


@pytest.mark.parametrize("damage", ["flipped byte", "cut short", "wrong key", "renamed"])
def test_a_damaged_segment_is_refused_and_nothing_reaches_the_server(
    tmp_path: Path, archive: Path, damage: str
) -> None:
    push_segment(KEY, _segment(tmp_path, os.urandom(4096)), archive, SEGMENT)
    sealed = sealed_path(archive, SEGMENT)
    key, name = KEY, SEGMENT
    if damage == "flipped byte":
        data = bytearray(sealed.read_bytes())
        data[-40] ^= 1
        sealed.write_bytes(bytes(data))
    elif damage == "cut short":
        sealed.write_bytes(sealed.read_bytes()[:-100])
    elif damage == "wrong key":
        key = bytes(32)
    else:  # another segment's name on this one's sealed bytes
        name = "000000010000000000000008"
        sealed.rename(sealed_path(archive, name))
    destination = tmp_path / "pgdata" / "RECOVERYXLOG"
    destination.parent.mkdir()
    with pytest.raises(BackupError):
        fetch_segment(key, archive, name, destination)
    assert list(destination.parent.iterdir()) == []
