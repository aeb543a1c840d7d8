"""Signers: keys live behind this protocol. Locally a dev key in memory (refused in production);
the HSM signer (``hsm_signer.Pkcs11Signer``, PKCS#11) keeps its key in the token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from eth_account import Account

from onramp.core.errors import Forbidden
from onramp.core.settings import running_in_production


@dataclass(frozen=True)
class SignedTx:
    raw: bytes
    tx_hash: bytes


class Signer(Protocol):
    @property
    def address(self) -> str: ...

    def sign_transaction(self, tx: dict[str, Any]) -> SignedTx: ...


class LocalKeyInProduction(Forbidden):
    code = "local_key_in_production"
    title = "A key held in process memory may not sign in production (ONRAMP_ENV=production)"


class LocalKeySigner:
    """Signs with a private key held in process memory. For local chains and tests only:
    with ``ONRAMP_ENV=production`` it refuses to exist (use the HSM signer)."""

    def __init__(self, private_key: str) -> None:
        if running_in_production():
            raise LocalKeyInProduction(
                "ONRAMP_ENV=production: sign payouts with the HSM (ONRAMP_CHAIN__SIGNER=hsm)"
            )
        self._account = Account.from_key(private_key)

    @property
    def address(self) -> str:
        address: str = self._account.address
        return address

    def sign_transaction(self, tx: dict[str, Any]) -> SignedTx:
        signed = self._account.sign_transaction(tx)
        return SignedTx(raw=bytes(signed.raw_transaction), tx_hash=bytes(signed.hash))
