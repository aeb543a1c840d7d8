"""A signer whose secp256k1 private key never leaves the PKCS#11 token (SoftHSM2 locally).

The token signs a 32-byte hash with ``CKM_ECDSA`` and returns ``r || s``; everything Ethereum
needs around it happens here: the hash to sign (EIP-1559 transaction, EIP-712 message), the
low-s rule (EIP-2: about half of the token's signatures come back with a high ``s``, which nodes
refuse, so ``s`` becomes ``n - s``) and the recovery id the token does not give (the one of the
two candidates that recovers this key's address).

Keys are found by ``CKA_ID`` (labels are not unique in PKCS#11), a random 16 bytes given at
generation; the private key is sensitive and not extractable, so nothing can read or wrap it out.
"""

from __future__ import annotations

import secrets
from typing import Any

from eth_account._utils.legacy_transactions import encode_transaction
from eth_account.messages import encode_typed_data
from eth_account.typed_transactions.typed_transaction import TypedTransaction
from eth_keys.exceptions import BadSignature
from eth_keys.main import KeyAPI
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.exceptions import NoSuchKey

from onramp.chain.signing.signer import SignedTx
from onramp.core import metrics
from onramp.core.errors import InvariantViolated
from onramp.core.keys.hsm import Hsm, HsmUnavailable

# DER of the named curve secp256k1 (OID 1.3.132.0.10), the key's CKA_EC_PARAMS.
SECP256K1_PARAMS = bytes.fromhex("06052b8104000a")
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
KEY_ID_BYTES = 16
_DYNAMIC_FEE_TX = 2
_keys = KeyAPI()


class PayoutKeyMissing(HsmUnavailable):
    code = "payout_key_missing"
    title = "The signing key is not in the HSM token"


def address_of_ec_point(ec_point: bytes) -> str:
    """The address of a public key given as CKA_EC_POINT: a DER OCTET STRING around the
    uncompressed point ``04 || X || Y`` (some modules give the bare point)."""
    point = ec_point
    if len(point) == 67 and point[0] == 0x04 and point[1] == 65:
        point = point[2:]
    if len(point) != 65 or point[0] != 0x04:
        raise InvariantViolated(f"not an uncompressed secp256k1 point ({len(ec_point)} bytes)")
    return to_checksum_address(keccak(point[1:])[-20:])


def generate_secp256k1_key(hsm: Hsm, label: str) -> tuple[str, str]:
    """Generate a key pair inside the token: (its CKA_ID in hex, its address)."""
    key_id = secrets.token_bytes(KEY_ID_BYTES)
    with hsm.session() as session:
        params = session.create_domain_parameters(
            KeyType.EC, {Attribute.EC_PARAMS: SECP256K1_PARAMS}, local=True
        )
        public, _private = params.generate_keypair(
            id=key_id,
            label=label,
            store=True,
            public_template={Attribute.TOKEN: True, Attribute.VERIFY: True},
            private_template={
                Attribute.TOKEN: True,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.SIGN: True,
                Attribute.DERIVE: False,
            },
        )
        address = address_of_ec_point(bytes(public[Attribute.EC_POINT]))
    return key_id.hex(), address


def find_key(hsm: Hsm, key_id: str) -> str:
    """The address of the key pair with this CKA_ID (hex); PayoutKeyMissing when absent."""
    with hsm.session() as session:
        public = _one(session, ObjectClass.PUBLIC_KEY, key_id, hsm)
        return address_of_ec_point(bytes(public[Attribute.EC_POINT]))


def _one(session: Any, object_class: ObjectClass, key_id: str, hsm: Hsm) -> Any:
    try:
        return session.get_key(object_class, KeyType.EC, id=bytes.fromhex(key_id))
    except NoSuchKey as exc:
        raise PayoutKeyMissing(
            f"no secp256k1 key with id {key_id} in token {hsm.settings.token_label!r}"
        ) from exc


class Pkcs11Signer:
    """Signs with the token's key ``key_id``; the address is read (and checked) at start."""

    def __init__(self, hsm: Hsm, key_id: str) -> None:
        self._hsm = hsm
        self._key_id = key_id
        self._address = find_key(hsm, key_id)

    @property
    def address(self) -> str:
        return self._address

    def sign_hash(self, digest: bytes) -> tuple[int, int, int]:
        """(v, r, s) over a 32-byte hash, s low, v in {0, 1}."""
        if len(digest) != 32:
            raise InvariantViolated(f"a hash to sign is 32 bytes, not {len(digest)}")
        with metrics.hsm_signing(), self._hsm.session() as session:
            key = _one(session, ObjectClass.PRIVATE_KEY, self._key_id, self._hsm)
            raw = bytes(key.sign(digest, mechanism=Mechanism.ECDSA))
        r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
        if s > SECP256K1_N // 2:
            s = SECP256K1_N - s
        for v in (0, 1):
            try:
                recovered = _keys.Signature(vrs=(v, r, s)).recover_public_key_from_msg_hash(digest)
            except BadSignature:
                continue
            if recovered.to_checksum_address() == self._address:
                return v, r, s
        raise InvariantViolated(f"the token's signature does not recover {self._address}")

    def sign_transaction(self, tx: dict[str, Any]) -> SignedTx:
        """An EIP-1559 (type 2) transaction, signed: raw bytes and hash."""
        tx = dict(tx)
        tx.setdefault("type", _DYNAMIC_FEE_TX)
        if int(tx["type"]) != _DYNAMIC_FEE_TX:
            raise InvariantViolated(
                f"only type-2 transactions are signed here, not type {tx['type']}"
            )
        unsigned = TypedTransaction.from_dict(tx)
        v, r, s = self.sign_hash(unsigned.hash())
        raw = bytes(encode_transaction(unsigned, vrs=(v, r, s)))
        return SignedTx(raw=raw, tx_hash=keccak(raw))

    def sign_typed_data(
        self, domain: dict[str, Any], types: dict[str, Any], message: dict[str, Any]
    ) -> bytes:
        """An EIP-712 signature, 65 bytes ``r || s || v`` with v 27 or 28."""
        signable = encode_typed_data(domain, types, message)
        digest = keccak(b"\x19" + signable.version + signable.header + signable.body)
        v, r, s = self.sign_hash(digest)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([v + 27])
