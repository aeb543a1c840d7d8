"""Authenticated encryption of small secrets at rest (AES-256-GCM).

The key comes from settings today; with the PII-encryption work it becomes a data key wrapped by
a key-encryption key in the HSM, behind this same interface.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from onramp.core.errors import InvariantViolated

NONCE_BYTES = 12


class DecryptionFailed(InvariantViolated):
    code = "decryption_failed"
    title = "A stored secret could not be decrypted"


class SecretBox:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("AES-256-GCM needs a 32-byte key")
        self._aead = AESGCM(key)

    @classmethod
    def from_base64(cls, encoded: str) -> SecretBox:
        return cls(base64.b64decode(encoded))

    def seal(self, plaintext: bytes, *, context: bytes) -> bytes:
        """Encrypt; ``context`` (e.g. the owner's id) is bound in, so a ciphertext moved to
        another row no longer decrypts."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes, *, context: bytes) -> bytes:
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context)
        except (InvalidTag, ValueError) as exc:
            raise DecryptionFailed() from exc
