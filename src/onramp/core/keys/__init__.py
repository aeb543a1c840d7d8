"""Envelope encryption of personal data: data keys wrapped by key-encryption keys in the HSM.

``fields`` (sealed model attributes), ``keyring`` (the unwrapped data keys of this process),
``store`` (bootstrap, new data keys, KEK rotation), ``hsm`` (PKCS#11), ``envelope`` (format).
"""

from onramp.core.keys.fields import (
    Sealed,
    opened_row,
    optional_sealed_str,
    plaintext_fields,
    sealed_column_keys,
    sealed_str,
)
from onramp.core.keys.hsm import Hsm, HsmNotConfigured, HsmUnavailable
from onramp.core.keys.keyring import (
    BLIND_INDEX,
    PII,
    Keyring,
    KeyringNotLoaded,
    UnknownDataKey,
    install_keyring,
    process_keyring,
)
from onramp.core.keys.store import (
    BlindIndexKeyFixed,
    KekRotation,
    create_data_key,
    ensure_data_keys,
    keep_keyring_fresh,
    load_keyring,
    open_keyring,
    rotate_kek,
)

__all__ = [
    "BLIND_INDEX",
    "PII",
    "BlindIndexKeyFixed",
    "Hsm",
    "HsmNotConfigured",
    "HsmUnavailable",
    "KekRotation",
    "Keyring",
    "KeyringNotLoaded",
    "Sealed",
    "UnknownDataKey",
    "create_data_key",
    "ensure_data_keys",
    "install_keyring",
    "keep_keyring_fresh",
    "load_keyring",
    "opened_row",
    "open_keyring",
    "optional_sealed_str",
    "plaintext_fields",
    "process_keyring",
    "rotate_kek",
    "sealed_column_keys",
    "sealed_str",
]
