"""RFC 6238 time-based one-time passwords (SHA-1, 6 digits, 30 s), as authenticator apps make
them: the second factor a client computes from the secret it enrolled."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time


def totp_code(secret: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The code for the base32 ``secret`` at ``at`` (now by default)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


class Authenticator:
    """An authenticator app for one enrolled secret that never offers a code twice.

    onramp accepts the current 30 s step's code and its neighbours, but no step at or before
    the last one it accepted (a replayed code is refused). So the second code within a step is
    the next step's; :class:`StepsExhausted` when that one is used too (wait ``wait_seconds``).
    """

    def __init__(self, secret: str, *, step: int = 30) -> None:
        self.secret, self.step = secret, step
        self.last_step: int | None = None

    def code(self, *, at: float | None = None) -> str:
        now = time.time() if at is None else at
        current = int(now // self.step)
        chosen = current if self.last_step is None else max(current, self.last_step + 1)
        if chosen > current + 1:
            raise StepsExhausted((chosen - 1) * self.step - now)
        self.last_step = chosen
        return totp_code(self.secret, at=chosen * self.step, step=self.step)


class StepsExhausted(Exception):
    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        super().__init__(f"no unused code until {wait_seconds:.0f} s from now")
