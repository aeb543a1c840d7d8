"""Addresses: validation, order ids as bytes32, and CREATE2 customer wallets computed offline."""

from __future__ import annotations

import uuid

from eth_utils.address import is_address, is_checksum_address, to_checksum_address
from eth_utils.crypto import keccak

from onramp.chain.artifacts import load_artifact
from onramp.chain.errors import InvalidAddress


def checksum(address: str) -> str:
    """The EIP-55 form of a ``0x`` address. Mixed case must already be a valid checksum: a
    mistyped character in a checksummed address is caught here, not paid out to."""
    if not isinstance(address, str) or not address.startswith("0x") or not is_address(address):
        raise InvalidAddress(f"{address!r} is not a 0x-prefixed 20-byte hex address")
    body = address[2:]
    if body != body.lower() and body != body.upper() and not is_checksum_address(address):
        raise InvalidAddress(f"{address!r} has a wrong EIP-55 checksum")
    result = to_checksum_address(address)
    if int(result, 16) == 0:
        raise InvalidAddress("the zero address cannot receive payouts")
    return result


def order_id_bytes32(order_id: uuid.UUID) -> bytes:
    """How an order id appears on-chain: its 16 bytes, left-padded to 32."""
    return order_id.bytes.rjust(32, b"\x00")


def order_id_from_bytes32(value: bytes) -> uuid.UUID:
    return uuid.UUID(bytes=value[-16:])


def wallet_salt(customer_id: uuid.UUID) -> bytes:
    return customer_id.bytes.rjust(32, b"\x00")


def wallet_init_code_hash() -> bytes:
    """keccak256 of the local UserWallet artifact's init code: what customer wallet addresses
    are computed from (the deployed factory must say the same,
    ``chain.contracts.wallet_factory_check``)."""
    return keccak(load_artifact("UserWallet").bytecode)


def customer_wallet_address(factory: str, customer_id: uuid.UUID) -> str:
    """The customer's UserWallet address: CREATE2 by the factory, known before deployment."""
    digest = keccak(
        b"\xff"
        + bytes.fromhex(checksum(factory)[2:])
        + wallet_salt(customer_id)
        + wallet_init_code_hash()
    )
    return to_checksum_address(digest[12:])
