"""The encrypted envelope a backup is written in: a header in the clear (what the backup is, so
an operator can tell backups apart without the key) and the database dump in chunks sealed with
AES-256-GCM.

Each chunk's nonce is a per-file random prefix and the chunk's number, and its additional data
binds the header's hash, the chunk's number and whether it is the last: a changed header, a
chunk changed, swapped, dropped or replayed from another backup, or a file cut short all fail to
open (``backup_corrupt``) rather than restoring something else than what was saved.

Layout: ``MAGIC``, the header's length (4 bytes, big-endian) and the header (JSON), then chunks,
each its sealed length (4 bytes) and the sealed bytes; the last chunk is flagged final.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import struct
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from onramp.core.errors import InvalidInput

MAGIC = b"ONRAMP-BACKUP/1\n"
CHUNK = 1 << 20  # 1 MiB of dump per sealed chunk
KEY_BYTES = 32
_NONCE_PREFIX = 4
_MAX_HEADER = 1 << 16
_MAX_SEALED = CHUNK + 16


class BackupError(InvalidInput):
    code = "backup_invalid"
    title = "The backup cannot be used"


class BackupCorrupt(BackupError):
    code = "backup_corrupt"
    title = "The backup was changed, cut short or sealed with another key"


def new_key() -> str:
    """A new backup key, as the key file holds it (base64 of 32 random bytes)."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def read_key(path: Path) -> bytes:
    try:
        key = base64.b64decode(path.read_text().strip(), validate=True)
    except (OSError, binascii.Error, ValueError) as exc:
        raise BackupError(f"cannot read the backup key from {path}: {exc}") from exc
    if len(key) != KEY_BYTES:
        raise BackupError(f"{path} must hold {KEY_BYTES} bytes in base64 (onramp backup keygen)")
    return key


def _aad(header_hash: bytes, index: int, final: bool) -> bytes:
    return header_hash + struct.pack(">Q?", index, final)


def read_chunks(source: IO[bytes]) -> Iterator[bytes]:
    """``source`` in pieces of ``CHUNK`` bytes, as ``seal`` takes them."""
    while chunk := source.read(CHUNK):
        yield chunk


def seal(key: bytes, header: dict[str, Any], chunks: Iterable[bytes], out: BinaryIO) -> None:
    """Write ``header`` and ``chunks`` (each at most ``CHUNK`` bytes) sealed to ``out``."""
    prefix = os.urandom(_NONCE_PREFIX)
    raw = json.dumps({**header, "nonce_prefix": prefix.hex()}, sort_keys=True).encode()
    header_hash = hashlib.sha256(raw).digest()
    out.write(MAGIC + struct.pack(">I", len(raw)) + raw)
    aead = AESGCM(key)
    index = 0
    pending: bytes | None = None
    for chunk in chunks:
        if pending is not None:
            _write_chunk(out, aead, prefix, header_hash, index, pending, final=False)
            index += 1
        pending = chunk
    _write_chunk(out, aead, prefix, header_hash, index, pending or b"", final=True)


def _write_chunk(
    out: BinaryIO,
    aead: AESGCM,
    prefix: bytes,
    header_hash: bytes,
    index: int,
    plain: bytes,
    *,
    final: bool,
) -> None:
    sealed = aead.encrypt(prefix + struct.pack(">Q", index), plain, _aad(header_hash, index, final))
    out.write(struct.pack(">I", len(sealed)) + sealed)


def read_header(source: BinaryIO) -> tuple[dict[str, Any], bytes]:
    """The header (as written) and its raw bytes; the stream is left at the first chunk."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("not an onramp backup (the file does not start as one)")
    (length,) = struct.unpack(">I", _exactly(source, 4))
    if length > _MAX_HEADER:
        raise BackupCorrupt("the backup's header is too long")
    raw = _exactly(source, length)
    try:
        header: dict[str, Any] = json.loads(raw)
    except ValueError as exc:
        raise BackupCorrupt("the backup's header is not JSON") from exc
    return header, raw


def open_chunks(key: bytes, source: BinaryIO) -> tuple[dict[str, Any], Iterator[bytes]]:
    """The header, and the dump's chunks, each checked before it is handed out."""
    header, raw = read_header(source)
    try:
        prefix = bytes.fromhex(str(header["nonce_prefix"]))
    except (KeyError, ValueError) as exc:
        raise BackupCorrupt("the backup's header has no nonce") from exc
    return header, _chunks(AESGCM(key), prefix, hashlib.sha256(raw).digest(), source)


def _chunks(aead: AESGCM, prefix: bytes, header_hash: bytes, source: BinaryIO) -> Iterator[bytes]:
    index = 0
    while True:
        head = source.read(4)
        if len(head) < 4:
            raise BackupCorrupt("the backup ends before its last chunk (cut short)")
        (length,) = struct.unpack(">I", head)
        if length > _MAX_SEALED:
            raise BackupCorrupt(f"chunk {index} is longer than any chunk written")
        sealed = _exactly(source, length)
        nonce = prefix + struct.pack(">Q", index)
        for final in (False, True):
            try:
                plain = aead.decrypt(nonce, sealed, _aad(header_hash, index, final))
            except InvalidTag:
                continue
            yield plain
            if final:
                if source.read(1):
                    raise BackupCorrupt("bytes follow the backup's last chunk")
                return
            break
        else:
            raise BackupCorrupt(f"chunk {index} does not open with this key and header")
        index += 1


def _exactly(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise BackupCorrupt("the backup ends in the middle of a record (cut short)")
    return data
