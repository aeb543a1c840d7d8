"""EIP-191 signed messages (``personal_sign``): who signed this text. Pure, no node needed.

A wallet signs ``"\\x19Ethereum Signed Message:\\n" + len(message) + message`` (version 0x45 of
EIP-191), so a signed message can never be replayed as a transaction. Recovery gives the signing
address; comparing it with the expected address is the caller's business.
"""

from __future__ import annotations

import re

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils.address import to_checksum_address

from onramp.chain.errors import SignatureMalformed

_HEX_SIGNATURE = re.compile(r"(0x)?[0-9a-fA-F]{130}")


def recover_personal_sign(message: str, signature: str) -> str:
    """The EIP-55 address whose key made ``signature`` over ``message`` (EIP-191 personal_sign).

    ``v`` may be 27/28 (most wallets) or 0/1 (some hardware wallets)."""
    if not isinstance(signature, str) or not _HEX_SIGNATURE.fullmatch(signature.strip()):
        raise SignatureMalformed()
    raw = bytearray(bytes.fromhex(signature.strip().removeprefix("0x")))
    if raw[64] in (0, 1):
        raw[64] += 27
    try:
        signer = Account.recover_message(encode_defunct(text=message), signature=bytes(raw))
    except Exception as exc:  # eth_keys raises several types for an invalid curve point or v
        raise SignatureMalformed() from exc
    return to_checksum_address(signer)
