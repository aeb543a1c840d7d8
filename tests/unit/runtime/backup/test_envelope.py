"""The backup envelope opens only as written: with its key, whole, in order, its header as
sealed; anything else is ``backup_corrupt`` before a byte reaches the restore."""

from __future__ import annotations

import base64
import io
import struct
from pathlib import Path

import pytest

from onramp.runtime.backup import BackupCorrupt, BackupError, new_key, read_key
from onramp.runtime.backup.envelope import MAGIC, open_chunks, seal

KEY = bytes(range(32))
CHUNKS = [b"first" * 1000, b"second" * 1000, b"third"]


def _sealed(chunks: list[bytes] = CHUNKS, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    seal(key, {"format": "onramp-backup/1", "created_at": "2026-12-07T00:00:00+00:00"}, chunks, out)
    return out.getvalue()


def _open(data: bytes, key: bytes = KEY) -> list[bytes]:
    _, chunks = open_chunks(key, io.BytesIO(data))
    return list(chunks)


def _records(data: bytes) -> tuple[bytes, list[bytes]]:
    """The bytes up to the first chunk, and each chunk's record (length + sealed bytes)."""
    (length,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
    at = len(MAGIC) + 4 + length
    head, records = data[:at], []
    while at < len(data):
        (size,) = struct.unpack(">I", data[at : at + 4])
        records.append(data[at : at + 4 + size])
        at += 4 + size
    return head, records


def test_what_is_sealed_opens_as_it_was() -> None:
    assert _open(_sealed()) == CHUNKS
    assert _open(_sealed([])) == [b""]


def test_a_changed_byte_is_refused() -> None:
    data = bytearray(_sealed())
    data[-10] ^= 1
    with pytest.raises(BackupCorrupt):
        _open(bytes(data))


def test_another_key_is_refused() -> None:
    with pytest.raises(BackupCorrupt):
        _open(_sealed(), key=bytes(32))


def test_a_backup_cut_short_is_refused_even_at_a_chunk_boundary() -> None:
    head, records = _records(_sealed())
    with pytest.raises(BackupCorrupt, match="cut short"):
        _open(head + b"".join(records[:-1]))


def test_swapped_chunks_are_refused() -> None:
    head, records = _records(_sealed())
    with pytest.raises(BackupCorrupt):
        _open(head + records[1] + records[0] + records[2])


def test_a_changed_header_is_refused() -> None:
    data = _sealed().replace(b"2026-12-07", b"2026-12-08", 1)
    with pytest.raises(BackupCorrupt):
        _open(data)


def test_bytes_after_the_last_chunk_are_refused() -> None:
    with pytest.raises(BackupCorrupt, match="follow"):
        _open(_sealed() + b"x")


def test_not_a_backup() -> None:
    with pytest.raises(BackupError, match="not an onramp backup"):
        _open(b"PGDMP" + bytes(100))


def test_key_files(tmp_path: Path) -> None:
    good = tmp_path / "good"
    good.write_text(new_key() + "\n")
    assert len(read_key(good)) == 32
    short = tmp_path / "short"
    short.write_text(base64.b64encode(bytes(16)).decode())
    with pytest.raises(BackupError, match="32 bytes"):
        read_key(short)
    (tmp_path / "junk").write_text("not base64!")
    with pytest.raises(BackupError):
        read_key(tmp_path / "junk")
