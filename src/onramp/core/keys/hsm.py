"""The key-encryption keys (KEKs), held in a PKCS#11 token (SoftHSM2 locally).

A KEK is an AES-256 key generated inside the token, sensitive and never extractable: its value
cannot be read and it cannot be wrapped out. It only wraps and unwraps data keys
(``CKM_AES_KEY_WRAP_PAD``, RFC 5649), so a copy of the database alone decrypts nothing.
Each KEK version has its own label and ``CKA_ID``: ``<kek_label>-v<n>``.

PKCS#11 calls block and a module is initialised once per process, so every call here goes
through one process-wide lock; callers use this at start-up and for key management only (the
unwrapped data keys are cached in memory by the keyring), off the event loop.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import pkcs11
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.exceptions import NoSuchKey, NoSuchToken, PinIncorrect, PinLenRange, PKCS11Error
from pkcs11.types import UnwrapMixin, WrapMixin

from onramp.core.errors import Unavailable
from onramp.core.settings import HsmSettings

if TYPE_CHECKING:
    from pkcs11._pkcs11 import lib as Module

_Role = TypeVar("_Role", WrapMixin, UnwrapMixin)
WRAP_MECHANISM = Mechanism.AES_KEY_WRAP_PAD
DATA_KEY_BITS = 256

_lock = threading.RLock()  # one PKCS#11 caller at a time in this process
_libs: dict[str, Module] = {}


class HsmUnavailable(Unavailable):
    code = "hsm_unavailable"
    title = "The HSM holding the key-encryption keys cannot be used"


class HsmNotConfigured(HsmUnavailable):
    code = "hsm_not_configured"
    title = "No HSM PIN configured (ONRAMP_HSM__USER_PIN)"


def _load_module(settings: HsmSettings) -> Module:
    """The module, initialised once per process; re-initialised when SoftHSM2's configuration
    file changes (SoftHSM reads ``SOFTHSM2_CONF`` in ``C_Initialize``)."""
    conf_changed = False
    if settings.softhsm2_conf and os.environ.get("SOFTHSM2_CONF") != settings.softhsm2_conf:
        os.environ["SOFTHSM2_CONF"] = settings.softhsm2_conf
        conf_changed = True
    path = str(settings.module_path)
    lib = _libs.get(path)
    if lib is None:
        if not settings.module_path.exists():
            raise HsmUnavailable(f"no PKCS#11 module at {path} (SoftHSM2: make install)")
        try:
            lib = pkcs11.lib(path)
        except PKCS11Error as exc:
            raise HsmUnavailable(f"cannot load the PKCS#11 module {path}: {exc!r}") from exc
        _libs[path] = lib
    elif conf_changed:
        lib.reinitialize()
    return lib


# SoftHSM2 keeps a token in files that another process may be rewriting (a key created at its
# start-up) while this one reads them: the read then fails with CKR_GENERAL_ERROR. Transient:
# look again a few times, a little later each time.
_TOKEN_LOOKUPS = 6
_TOKEN_LOOKUP_PAUSE_SECONDS = 0.05


def _find_token(lib: Module, label: str, settings: HsmSettings) -> pkcs11.Token:
    for attempt in range(_TOKEN_LOOKUPS):
        try:
            return lib.get_token(token_label=label)
        except NoSuchToken as exc:
            if attempt > 0:
                conf = os.environ.get("SOFTHSM2_CONF", "unset")
                raise HsmUnavailable(
                    f"no token labelled {label!r} in {settings.module_path} (SOFTHSM2_CONF={conf})"
                ) from exc
            # A token initialised after this process loaded the module: look again.
        except PKCS11Error as exc:
            if attempt == _TOKEN_LOOKUPS - 1:
                raise HsmUnavailable(f"cannot read the token {label!r}: {exc!r}") from exc
            time.sleep(_TOKEN_LOOKUP_PAUSE_SECONDS * 2**attempt)
        lib.reinitialize()
    raise HsmUnavailable(f"cannot read the token {label!r}")


@dataclass(frozen=True)
class Hsm:
    """One token, logged in as its user for each operation."""

    settings: HsmSettings

    @classmethod
    def connect(cls, settings: HsmSettings) -> Hsm:
        """Check now, at start-up, that the module loads, the token exists and the PIN works,
        so a misconfiguration stops the process with a clear error instead of failing a
        request later."""
        if not settings.user_pin.get_secret_value():
            raise HsmNotConfigured(
                "set ONRAMP_HSM__USER_PIN (and ONRAMP_HSM__TOKEN_LABEL) or start the dev stack"
            )
        hsm = cls(settings)
        with hsm.session():
            pass
        return hsm

    @contextmanager
    def session(self) -> Iterator[pkcs11.Session]:
        """A logged-in session, holding the process-wide lock (also for inspection and tests)."""
        label = self.settings.token_label
        with _lock:
            lib = _load_module(self.settings)
            token = _find_token(lib, label, self.settings)
            try:
                session = token.open(rw=True, user_pin=self.settings.user_pin.get_secret_value())
            except (PinIncorrect, PinLenRange) as exc:
                raise HsmUnavailable(f"the token {label!r} refused the PIN") from exc
            except PKCS11Error as exc:
                raise HsmUnavailable(f"cannot log in to the token {label!r}: {exc!r}") from exc
            try:
                yield session
            except PKCS11Error as exc:
                raise HsmUnavailable(f"the token {label!r} failed: {exc!r}") from exc
            finally:
                session.close()

    # --- KEKs ------------------------------------------------------------------------------

    def kek_labels(self) -> list[str]:
        """Every KEK version in the token, oldest first."""
        pattern = re.compile(re.escape(self.settings.kek_label) + r"-v(\d+)")
        with self.session() as session:
            found = [
                str(key[Attribute.LABEL])
                for key in session.get_objects(
                    {Attribute.CLASS: ObjectClass.SECRET_KEY, Attribute.KEY_TYPE: KeyType.AES}
                )
            ]
        versions = sorted(int(m[1]) for label in found if (m := pattern.fullmatch(label)))
        return [f"{self.settings.kek_label}-v{v}" for v in versions]

    def current_kek(self) -> str:
        """The newest KEK's label; the first one is generated when the token has none."""
        labels = self.kek_labels()
        return labels[-1] if labels else self.new_kek()

    def new_kek(self) -> str:
        """Generate the next KEK version inside the token and return its label."""
        with _lock:
            labels = self.kek_labels()
            version = int(labels[-1].rsplit("-v", 1)[1]) + 1 if labels else 1
            label = f"{self.settings.kek_label}-v{version}"
            with self.session() as session:
                session.generate_key(
                    KeyType.AES,
                    DATA_KEY_BITS,
                    label=label,
                    id=label.encode(),
                    store=True,
                    template={
                        Attribute.TOKEN: True,
                        Attribute.PRIVATE: True,
                        Attribute.SENSITIVE: True,
                        Attribute.EXTRACTABLE: False,
                        Attribute.WRAP: True,
                        Attribute.UNWRAP: True,
                        Attribute.ENCRYPT: False,
                        Attribute.DECRYPT: False,
                    },
                )
        return label

    # --- data keys -------------------------------------------------------------------------

    def generate_data_key(self, kek_label: str) -> tuple[bytes, bytes]:
        """A fresh AES-256 data key from the token's generator: (plaintext, wrapped by KEK)."""
        with self.session() as session:
            kek = self._kek(session, kek_label, WrapMixin)
            data_key = session.generate_key(
                KeyType.AES,
                DATA_KEY_BITS,
                store=False,
                template={Attribute.EXTRACTABLE: True, Attribute.SENSITIVE: False},
            )
            try:
                return bytes(data_key[Attribute.VALUE]), kek.wrap_key(
                    data_key, mechanism=WRAP_MECHANISM
                )
            finally:
                data_key.destroy()

    def unwrap(self, wrapped: bytes, kek_label: str) -> bytes:
        with self.session() as session:
            data_key = self._unwrap(session, wrapped, kek_label)
            try:
                return bytes(data_key[Attribute.VALUE])
            finally:
                data_key.destroy()

    def rewrap(self, wrapped: bytes, *, from_kek: str, to_kek: str) -> bytes:
        """Unwrap with one KEK and wrap with another, inside the token."""
        with self.session() as session:
            data_key = self._unwrap(session, wrapped, from_kek)
            try:
                kek = self._kek(session, to_kek, WrapMixin)
                return kek.wrap_key(data_key, mechanism=WRAP_MECHANISM)
            finally:
                data_key.destroy()

    def _kek(self, session: pkcs11.Session, label: str, role: type[_Role]) -> _Role:
        try:
            key = session.get_key(ObjectClass.SECRET_KEY, KeyType.AES, label=label)
        except NoSuchKey as exc:
            raise HsmUnavailable(
                f"the key-encryption key {label!r} is not in token {self.settings.token_label!r}"
            ) from exc
        assert isinstance(key, role)
        return key

    def _unwrap(self, session: pkcs11.Session, wrapped: bytes, kek_label: str) -> pkcs11.Key:
        return self._kek(session, kek_label, UnwrapMixin).unwrap_key(
            ObjectClass.SECRET_KEY,
            KeyType.AES,
            wrapped,
            mechanism=WRAP_MECHANISM,
            store=False,
            template={Attribute.EXTRACTABLE: True, Attribute.SENSITIVE: False},
        )
