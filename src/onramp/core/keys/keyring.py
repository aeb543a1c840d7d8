"""The process keyring: every data key, unwrapped once at start-up and kept in memory.

Sealing and opening fields is then plain AES-GCM in the process, with no HSM round trip per
row; the HSM is needed again only to unwrap a data key this process has not seen (start-up)
and for key management (``store.py``). The keyring a process loaded is installed once
(``install_keyring``) and read by the sealed model attributes (``fields.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from onramp.core.errors import InvariantViolated
from onramp.core.keys import envelope

PII = "pii"
BLIND_INDEX = "blind_index"
PURPOSES = (PII, BLIND_INDEX)


class KeyringNotLoaded(InvariantViolated):
    code = "keyring_not_loaded"
    title = "The data keys were not loaded in this process"


class UnknownDataKey(InvariantViolated):
    code = "data_key_unknown"
    title = "A field was sealed with a data key this process does not hold"


@dataclass(frozen=True)
class WrappedKey:
    """A ``data_keys`` row, as far as the keyring cares."""

    id: int
    purpose: str
    wrapped: bytes
    kek_label: str
    active: bool


class Keyring:
    def __init__(self, keys: Mapping[int, bytes], active: Mapping[str, int]) -> None:
        missing = [p for p in PURPOSES if p not in active]
        if missing:
            raise KeyringNotLoaded(f"no active data key for {', '.join(missing)}")
        self._keys = dict(keys)
        self._active = dict(active)

    @classmethod
    def unwrapped(
        cls, rows: Iterable[WrappedKey], unwrap: Callable[[bytes, str], bytes]
    ) -> Keyring:
        """Unwrap every row with ``unwrap(wrapped, kek_label)`` (the HSM)."""
        keys: dict[int, bytes] = {}
        active: dict[str, int] = {}
        for row in rows:
            keys[row.id] = unwrap(row.wrapped, row.kek_label)
            if row.active:
                active[row.purpose] = row.id
        return cls(keys, active)

    def refreshed(
        self, rows: Iterable[WrappedKey], unwrap: Callable[[bytes, str], bytes]
    ) -> Keyring:
        """This keyring plus keys created since (unwrapped), with the current active ones;
        ``self`` when nothing changed."""
        rows = list(rows)
        active = {r.purpose: r.id for r in rows if r.active}
        new = [r for r in rows if r.id not in self._keys]
        if not new and active == self._active:
            return self
        keys = self._keys | {r.id: unwrap(r.wrapped, r.kek_label) for r in new}
        return Keyring(keys, active)

    def active_key_id(self, purpose: str) -> int:
        return self._active[purpose]

    def seal(self, plaintext: str, *, context: bytes) -> bytes:
        key_id = self._active[PII]
        return envelope.seal(key_id, self._keys[key_id], plaintext.encode(), context=context)

    def open(self, sealed: bytes, *, context: bytes) -> str:
        key_id = envelope.key_id_of(sealed)
        key = self._keys.get(key_id)
        if key is None:
            raise UnknownDataKey(f"data key {key_id} is not loaded; restart to load new keys")
        return envelope.open_sealed(key, sealed, context=context).decode()

    def seal_bytes(self, plaintext: bytes, *, context: bytes) -> bytes:
        """A file's bytes (e.g. case evidence), sealed like a field."""
        key_id = self._active[PII]
        return envelope.seal(key_id, self._keys[key_id], plaintext, context=context)

    def open_bytes(self, sealed: bytes, *, context: bytes) -> bytes:
        key_id = envelope.key_id_of(sealed)
        key = self._keys.get(key_id)
        if key is None:
            raise UnknownDataKey(f"data key {key_id} is not loaded; restart to load new keys")
        return envelope.open_sealed(key, sealed, context=context)

    def blind_index(self, value: str, *, domain: str) -> bytes:
        key = self._keys[self._active[BLIND_INDEX]]
        return envelope.blind_index(key, value, domain=domain)


_installed: Keyring | None = None


def install_keyring(keyring: Keyring) -> None:
    """Make ``keyring`` the one this process seals and opens fields with."""
    global _installed
    _installed = keyring


def process_keyring() -> Keyring:
    if _installed is None:
        raise KeyringNotLoaded(
            "no keyring installed: the process must open it at start-up (open_keyring)"
        )
    return _installed
