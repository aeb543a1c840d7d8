"""What an API key looks like: ``onr_<environment>_<key id>_<secret>``. Pure functions, no I/O.

- ``onr_live_`` / ``onr_test_`` says what the string is (secret scanners, log filters, and the
  bearer check that tells a key from a JWT, which starts ``eyJ``) and which deployment it is for.
- The key id (12 characters, 60 random bits) with that start is the key's public *prefix*: shown
  in lists and audit records, used as the OAuth ``client_id``, and the database lookup key.
- The secret is 256 random bits. Only SHA-256 of the whole key is stored.

Why SHA-256 and not argon2 (which guards passwords here): a slow hash makes *guessing* expensive,
which matters for low-entropy secrets people choose. A 256-bit random secret cannot be guessed at
any hashing speed, so slowness buys nothing, while every API request would pay argon2's tens of
milliseconds and memory — an easy denial-of-service lever. A stolen hash table is no help either:
inverting SHA-256 on a 256-bit input is infeasible. (The refresh tokens follow the same rule.)
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

KEY_START = "onr_"
_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32: no i, l, o, u, no "_"
_ID_LENGTH = 12
_SECRET_BYTES = 32


@dataclass(frozen=True)
class NewKey:
    prefix: str  # onr_live_3kq8x0c1mz7d
    key: str  # the full key, shown to its owner once
    secret_hash: bytes


def looks_like_api_key(token: str) -> bool:
    return token.startswith(KEY_START)


def key_hash(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def new_key(environment: str) -> NewKey:
    key_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_LENGTH))
    prefix = f"{KEY_START}{environment}_{key_id}"
    key = f"{prefix}_{secrets.token_urlsafe(_SECRET_BYTES)}"
    return NewKey(prefix=prefix, key=key, secret_hash=key_hash(key))


def prefix_of(key: str, environment: str) -> str | None:
    """The public prefix of a well-formed key for this deployment, else None."""
    start = f"{KEY_START}{environment}_"
    if not key.startswith(start):
        return None
    key_id, separator, secret = key[len(start) :].partition("_")
    if len(key_id) != _ID_LENGTH or not separator or not secret or len(key) > 200:
        return None
    if any(c not in _ID_ALPHABET for c in key_id):
        return None
    return start + key_id


def matches(key: str, stored_hash: bytes) -> bool:
    return secrets.compare_digest(key_hash(key), stored_hash)
