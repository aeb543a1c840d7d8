"""Signers: keys live behind this protocol. Locally a dev key; the HSM signer (PKCS#11) arrives
with the treasury work and plugs in here without touching payouts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from eth_account import Account


@dataclass(frozen=True)
class SignedTx:
    raw: bytes
    tx_hash: bytes


class Signer(Protocol):
    @property
    def address(self) -> str: ...

    def sign_transaction(self, tx: dict[str, Any]) -> SignedTx: ...


class LocalKeySigner:
    """Signs with a private key held in process memory. For local chains and tests only."""

    def __init__(self, private_key: str) -> None:
        self._account = Account.from_key(private_key)

    @property
    def address(self) -> str:
        address: str = self._account.address
        return address

    def sign_transaction(self, tx: dict[str, Any]) -> SignedTx:
        signed = self._account.sign_transaction(tx)
        return SignedTx(raw=bytes(signed.raw_transaction), tx_hash=bytes(signed.hash))
