"""The sealed-field format and the keyring: binding to row and column, tampering, key routing."""

from __future__ import annotations

import os
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onramp.core.crypto import DecryptionFailed
from onramp.core.keys import BLIND_INDEX, PII, Keyring, KeyringNotLoaded, UnknownDataKey
from onramp.core.keys.envelope import (
    BLIND_INDEX_BYTES,
    HEADER_BYTES,
    blind_index,
    field_context,
    key_id_of,
    open_sealed,
    seal,
)

KEY = os.urandom(32)
ROW = uuid.uuid4()
CONTEXT = field_context("users", "email", ROW)


def _keyring(active_pii: int = 1) -> Keyring:
    keys = {1: b"\x01" * 32, 2: b"\x02" * 32, 9: b"\x09" * 32}
    return Keyring(keys, {PII: active_pii, BLIND_INDEX: 9})


@given(st.text(max_size=200))
def test_round_trip(plaintext: str) -> None:
    sealed = seal(7, KEY, plaintext.encode(), context=CONTEXT)
    assert key_id_of(sealed) == 7
    assert open_sealed(KEY, sealed, context=CONTEXT).decode() == plaintext


def test_the_ciphertext_does_not_contain_the_plaintext_and_is_randomised() -> None:
    first = seal(1, KEY, b"ada@example.com", context=CONTEXT)
    second = seal(1, KEY, b"ada@example.com", context=CONTEXT)
    assert b"ada" not in first
    assert first != second  # fresh nonce per seal: equal values do not look equal


def test_every_flipped_byte_is_detected() -> None:
    sealed = seal(1, KEY, b"Ada Lovelace", context=CONTEXT)
    for i in range(len(sealed)):
        tampered = bytearray(sealed)
        tampered[i] ^= 0x01
        with pytest.raises(DecryptionFailed):
            open_sealed(KEY, bytes(tampered), context=CONTEXT)


def test_truncated_or_foreign_bytes_are_refused() -> None:
    with pytest.raises(DecryptionFailed):
        key_id_of(b"\x01\x00\x00")
    with pytest.raises(DecryptionFailed):
        key_id_of(b"\x02" + b"\x00" * 40)  # an unknown format version


def test_a_ciphertext_moved_to_another_row_does_not_open() -> None:
    sealed = seal(1, KEY, b"ada@example.com", context=CONTEXT)
    with pytest.raises(DecryptionFailed):
        open_sealed(KEY, sealed, context=field_context("users", "email", uuid.uuid4()))


def test_a_ciphertext_moved_to_another_column_does_not_open() -> None:
    sealed = seal(1, KEY, b"Ada", context=field_context("users", "full_name", ROW))
    with pytest.raises(DecryptionFailed):
        open_sealed(KEY, sealed, context=field_context("users", "email", ROW))
    with pytest.raises(DecryptionFailed):
        open_sealed(KEY, sealed, context=field_context("customers", "full_name", ROW))


def test_the_keyring_seals_with_the_active_key_and_opens_with_the_recorded_one() -> None:
    old = _keyring(active_pii=1)
    sealed_old = old.seal("ada@example.com", context=CONTEXT)
    assert key_id_of(sealed_old) == 1

    new = _keyring(active_pii=2)  # after `onramp keys new-data-key`
    sealed_new = new.seal("ada@example.com", context=CONTEXT)
    assert key_id_of(sealed_new) == 2
    assert new.open(sealed_old, context=CONTEXT) == "ada@example.com"
    assert new.open(sealed_new, context=CONTEXT) == "ada@example.com"


def test_relabelling_the_key_id_fails_even_when_that_key_exists() -> None:
    keyring = _keyring()
    sealed = bytearray(keyring.seal("x", context=CONTEXT))
    sealed[HEADER_BYTES - 1] = 2  # claim data key 2 sealed it
    with pytest.raises(DecryptionFailed):
        keyring.open(bytes(sealed), context=CONTEXT)


def test_a_key_this_process_does_not_hold_is_a_clear_error() -> None:
    sealed = seal(42, os.urandom(32), b"x", context=CONTEXT)
    with pytest.raises(UnknownDataKey) as caught:
        _keyring().open(sealed, context=CONTEXT)
    assert caught.value.code == "data_key_unknown"


def test_a_keyring_needs_an_active_key_per_purpose() -> None:
    with pytest.raises(KeyringNotLoaded):
        Keyring({1: KEY}, {PII: 1})


def test_the_blind_index_is_deterministic_keyed_truncated_and_domain_separated() -> None:
    value = "ada@example.com"
    index = blind_index(KEY, value, domain="users.email")
    assert len(index) == BLIND_INDEX_BYTES
    assert index == blind_index(KEY, value, domain="users.email")
    assert index != blind_index(os.urandom(32), value, domain="users.email")
    assert index != blind_index(KEY, value, domain="login_throttles")
    assert index != blind_index(KEY, "bob@example.com", domain="users.email")


def test_the_keyring_blind_index_uses_the_blind_index_key_not_the_pii_key() -> None:
    keyring = _keyring()
    assert keyring.blind_index("a", domain="d") == blind_index(b"\x09" * 32, "a", domain="d")


def test_a_refreshed_keyring_adds_new_keys_and_follows_the_active_one() -> None:
    from onramp.core.keys.keyring import WrappedKey

    keyring = _keyring(active_pii=1)
    rows = [
        WrappedKey(1, PII, b"w1", "kek-v1", False),
        WrappedKey(2, PII, b"w2", "kek-v1", False),
        WrappedKey(9, BLIND_INDEX, b"w9", "kek-v1", True),
        WrappedKey(10, PII, b"w10", "kek-v1", True),
    ]
    unwrapped: list[bytes] = []

    def unwrap(wrapped: bytes, kek: str) -> bytes:
        unwrapped.append(wrapped)
        return b"\x10" * 32

    fresh = keyring.refreshed(rows, unwrap)
    assert unwrapped == [b"w10"]  # only the key it did not hold
    assert fresh.active_key_id(PII) == 10
    assert key_id_of(fresh.seal("x", context=CONTEXT)) == 10
    assert fresh.open(keyring.seal("x", context=CONTEXT), context=CONTEXT) == "x"
    assert fresh.refreshed(rows, unwrap) is fresh
