"""EIP-191 personal_sign recovery: the signer of a text, whatever the signature's v form."""

from __future__ import annotations

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from onramp.chain import SignatureMalformed, recover_personal_sign

MESSAGE = "example.test asks you to prove that you control this Ethereum account:\nNonce: 1"


def _signature(key: LocalAccount, message: str = MESSAGE) -> bytes:
    return bytes(key.sign_message(encode_defunct(text=message)).signature)


def test_recovers_the_signer_with_or_without_0x() -> None:
    key: LocalAccount = Account.create()
    raw = _signature(key)
    assert recover_personal_sign(MESSAGE, "0x" + raw.hex()) == key.address
    assert recover_personal_sign(MESSAGE, raw.hex().upper()) == key.address


def test_v_as_0_or_1_is_accepted_like_27_or_28() -> None:
    key: LocalAccount = Account.create()
    raw = bytearray(_signature(key))
    raw[64] -= 27
    assert recover_personal_sign(MESSAGE, raw.hex()) == key.address


def test_another_text_recovers_another_address() -> None:
    key: LocalAccount = Account.create()
    assert recover_personal_sign(MESSAGE + " ", _signature(key).hex()) != key.address


@pytest.mark.parametrize(
    "signature",
    ["", "0x", "0x1234", "zz" * 65, "00" * 65, "ff" * 64 + "1b", "00" * 64 + "05"],
)
def test_malformed_signatures_are_refused(signature: str) -> None:
    with pytest.raises(SignatureMalformed):
        recover_personal_sign(MESSAGE, signature)
