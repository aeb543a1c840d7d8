"""Key material: recognisable, 256-bit, stored as SHA-256 only, parsed strictly."""

from __future__ import annotations

import base64
import hashlib

from onramp.identity.api_keys.format import (
    key_hash,
    looks_like_api_key,
    matches,
    new_key,
    prefix_of,
)


def test_a_new_key_has_a_public_prefix_and_a_256_bit_secret() -> None:
    made = new_key("live")
    assert made.prefix.startswith("onr_live_")
    assert len(made.prefix) == len("onr_live_") + 12
    assert made.key.startswith(made.prefix + "_")
    secret = made.key[len(made.prefix) + 1 :]
    assert len(base64.urlsafe_b64decode(secret + "=")) == 32
    assert made.secret_hash == hashlib.sha256(made.key.encode()).digest()
    assert made.key.encode() not in made.secret_hash


def test_keys_are_unique() -> None:
    keys = {new_key("live").key for _ in range(200)}
    prefixes = {k[:21] for k in keys}
    assert len(keys) == len(prefixes) == 200


def test_the_prefix_is_read_back_only_from_a_well_formed_key_of_this_deployment() -> None:
    made = new_key("live")
    assert prefix_of(made.key, "live") == made.prefix
    assert prefix_of(made.key, "test") is None  # a live key sent to a test deployment
    assert prefix_of(made.prefix, "live") is None  # no secret
    assert prefix_of(made.prefix + "_", "live") is None
    assert prefix_of("onr_live_SHORT_secret", "live") is None
    assert prefix_of("onr_live_iiiiiiiiiiii_secret", "live") is None  # not in the alphabet
    assert prefix_of(made.key + "x" * 200, "live") is None  # absurdly long


def test_a_key_is_told_from_a_jwt_by_its_start() -> None:
    assert looks_like_api_key(new_key("test").key)
    assert not looks_like_api_key("eyJhbGciOiJIUzI1NiJ9.e30.sig")


def test_matching_compares_hashes() -> None:
    made = new_key("live")
    assert matches(made.key, made.secret_hash)
    assert not matches(made.key[:-1] + ("A" if made.key[-1] != "A" else "B"), made.secret_hash)
    assert key_hash(made.key) == made.secret_hash
