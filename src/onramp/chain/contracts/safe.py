"""Safe v1.4.1 multisig transactions: their EIP-712 hash, the typed data a treasurer's wallet
signs, signature checks and ordering, and the ``execTransaction`` call. Pure, no node needed.

A Safe transaction is executed once its owners' signatures reach the Safe's threshold. Each
owner signs the transaction's EIP-712 hash (``eth_signTypedData_v4``, ``v`` 27/28); the Safe
wants the signatures concatenated in ascending order of owner address and rejects a duplicate
or a non-owner, so the same rules are checked here first, with clear errors, before any gas is
spent. The Safe's own nonce makes each signed transaction executable once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import encode
from eth_account import Account
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from onramp.chain.artifacts import selector
from onramp.chain.errors import SignatureMalformed

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
DOMAIN_TYPEHASH = keccak(text="EIP712Domain(uint256 chainId,address verifyingContract)")
SAFE_TX_TYPE = (
    "SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,"
    "uint256 baseGas,uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)"
)
SAFE_TX_TYPEHASH = keccak(text=SAFE_TX_TYPE)
EXEC_TRANSACTION_SIG = (
    "execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)"
)
EXECUTION_SUCCESS_TOPIC = keccak(text="ExecutionSuccess(bytes32,uint256)")
EXECUTION_FAILURE_TOPIC = keccak(text="ExecutionFailure(bytes32,uint256)")
CALL = 0  # Safe operation: a plain call (1 would be a delegatecall, never used here)
_HEX_SIGNATURE = re.compile(r"(0x)?[0-9a-fA-F]{130}")


@dataclass(frozen=True)
class SafeTx:
    """A call the Safe makes once its owners sign it. No gas refunds: the executor pays gas."""

    safe: str
    chain_id: int
    to: str
    data: bytes
    nonce: int
    value: int = 0

    def domain_separator(self) -> bytes:
        return keccak(
            encode(["bytes32", "uint256", "address"], [DOMAIN_TYPEHASH, self.chain_id, self.safe])
        )

    def struct_hash(self) -> bytes:
        return keccak(
            encode(
                [
                    "bytes32",
                    "address",
                    "uint256",
                    "bytes32",
                    "uint8",
                    "uint256",
                    "uint256",
                    "uint256",
                    "address",
                    "address",
                    "uint256",
                ],
                [
                    SAFE_TX_TYPEHASH,
                    self.to,
                    self.value,
                    keccak(self.data),
                    CALL,
                    0,
                    0,
                    0,
                    ZERO_ADDRESS,
                    ZERO_ADDRESS,
                    self.nonce,
                ],
            )
        )

    def hash(self) -> bytes:
        """What each owner signs (the Safe's ``getTransactionHash``)."""
        return keccak(b"\x19\x01" + self.domain_separator() + self.struct_hash())

    def typed_data(self) -> dict[str, Any]:
        """The EIP-712 message for ``eth_signTypedData_v4``: a wallet shows it and signs it."""
        return {
            "types": {
                "EIP712Domain": [
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"},
                ],
                "SafeTx": [
                    {"name": "to", "type": "address"},
                    {"name": "value", "type": "uint256"},
                    {"name": "data", "type": "bytes"},
                    {"name": "operation", "type": "uint8"},
                    {"name": "safeTxGas", "type": "uint256"},
                    {"name": "baseGas", "type": "uint256"},
                    {"name": "gasPrice", "type": "uint256"},
                    {"name": "gasToken", "type": "address"},
                    {"name": "refundReceiver", "type": "address"},
                    {"name": "nonce", "type": "uint256"},
                ],
            },
            "primaryType": "SafeTx",
            "domain": {"chainId": self.chain_id, "verifyingContract": self.safe},
            "message": {
                "to": self.to,
                "value": self.value,
                "data": "0x" + self.data.hex(),
                "operation": CALL,
                "safeTxGas": 0,
                "baseGas": 0,
                "gasPrice": 0,
                "gasToken": ZERO_ADDRESS,
                "refundReceiver": ZERO_ADDRESS,
                "nonce": self.nonce,
            },
        }


def parse_signature(signature: str) -> bytes:
    """A 65-byte ``r || s || v`` signature from hex; ``v`` 0/1 (some hardware wallets) becomes
    27/28, the form the Safe reads as a signature over the transaction hash itself."""
    if not isinstance(signature, str) or not _HEX_SIGNATURE.fullmatch(signature.strip()):
        raise SignatureMalformed()
    raw = bytearray(bytes.fromhex(signature.strip().removeprefix("0x")))
    if raw[64] in (0, 1):
        raw[64] += 27
    if raw[64] not in (27, 28):
        raise SignatureMalformed("only EIP-712 signatures (v 27 or 28) are accepted")
    return bytes(raw)


def recover_signer(safe_tx_hash: bytes, signature: bytes) -> str:
    """The address whose key signed the Safe transaction hash."""
    try:
        signer = Account._recover_hash(safe_tx_hash, signature=signature)
    except Exception as exc:  # eth_keys raises several types for an invalid point or v
        raise SignatureMalformed() from exc
    return to_checksum_address(signer)


def packed_signatures(by_owner: Mapping[str, bytes]) -> bytes:
    """The owners' signatures as the Safe reads them: sorted by owner address, ascending."""
    return b"".join(by_owner[o] for o in sorted(by_owner, key=lambda a: int(a, 16)))


def exec_transaction_calldata(tx: SafeTx, signatures: bytes) -> bytes:
    return selector(EXEC_TRANSACTION_SIG) + encode(
        [
            "address",
            "uint256",
            "bytes",
            "uint8",
            "uint256",
            "uint256",
            "uint256",
            "address",
            "address",
            "bytes",
        ],
        [tx.to, tx.value, tx.data, CALL, 0, 0, 0, ZERO_ADDRESS, ZERO_ADDRESS, signatures],
    )


def erc20_transfer_calldata(to: str, amount: int) -> bytes:
    return selector("transfer(address,uint256)") + encode(["address", "uint256"], [to, amount])
