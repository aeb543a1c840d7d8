"""The sealed-field format and the blind index: pure functions, no keys held, no I/O.

A sealed field is ``version (1) | data key id (4, big-endian) | nonce (12) | AES-256-GCM
ciphertext and tag``. The associated data is that header plus the field's context (table,
column, row id), so a ciphertext copied into another row or column, or re-labelled with another
key id, fails to open instead of decrypting as someone else's data.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from onramp.core.crypto import DecryptionFailed

VERSION = 1
NONCE_BYTES = 12
_HEADER = struct.Struct(">BI")
HEADER_BYTES = _HEADER.size
# 128 bits: the index is UNIQUE (one account per email), so it cannot be truncated far enough
# to blur matches (a few bytes would make distinct emails collide and block registrations);
# 128 bits keep accidental collisions out of reach and halve the column against full SHA-256.
BLIND_INDEX_BYTES = 16


def field_context(table: str, column: str, row_id: uuid.UUID) -> bytes:
    """What a ciphertext is bound to: this column of this row."""
    return f"{table}.{column}:".encode() + row_id.bytes


def seal(key_id: int, key: bytes, plaintext: bytes, *, context: bytes) -> bytes:
    header = _HEADER.pack(VERSION, key_id)
    nonce = os.urandom(NONCE_BYTES)
    return header + nonce + AESGCM(key).encrypt(nonce, plaintext, header + context)


def key_id_of(sealed: bytes) -> int:
    """Which data key sealed this (the keyring routes on it); raises on a foreign format."""
    if len(sealed) < HEADER_BYTES + NONCE_BYTES + 16:
        raise DecryptionFailed("not a sealed field: too short")
    version, key_id = _HEADER.unpack_from(sealed)
    if version != VERSION:
        raise DecryptionFailed(f"unknown sealed-field version {version}")
    return int(key_id)


def open_sealed(key: bytes, sealed: bytes, *, context: bytes) -> bytes:
    key_id_of(sealed)
    header = sealed[:HEADER_BYTES]
    nonce = sealed[HEADER_BYTES : HEADER_BYTES + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, sealed[HEADER_BYTES + NONCE_BYTES :], header + context)
    except InvalidTag as exc:
        raise DecryptionFailed() from exc


def blind_index(key: bytes, value: str, *, domain: str) -> bytes:
    """HMAC-SHA256 of ``value`` (already normalised by the caller) under the blind-index key,
    separated per ``domain`` so one index cannot be matched against another."""
    message = domain.encode() + b"\x00" + value.encode()
    return hmac.new(key, message, hashlib.sha256).digest()[:BLIND_INDEX_BYTES]
