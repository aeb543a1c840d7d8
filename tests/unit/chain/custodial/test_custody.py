"""The custody key's calls on customers' wallets and the event that proves a withdrawal."""

from __future__ import annotations

import uuid

from eth_abi.abi import decode, encode

from onramp.chain.addresses import wallet_salt
from onramp.chain.client import Receipt
from onramp.chain.custodial.custody import (
    DEPLOY_WALLET,
    TOKEN_TRANSFERRED,
    TRANSFER_TOKEN,
    deploy_wallet_calldata,
    tokens_transferred,
    transfer_token_calldata,
)

WALLET = "0x" + "11" * 20
USDC = "0x" + "22" * 20
TO = "0x" + "33" * 20


def _log(address: str, token: str, to: str, amount: int) -> dict[str, object]:
    return {
        "address": address,
        "topics": [
            TOKEN_TRANSFERRED,
            bytes.fromhex(token[2:]).rjust(32, b"\0"),
            bytes.fromhex(to[2:]).rjust(32, b"\0"),
        ],
        "data": encode(["uint256"], [amount]),
    }


def _receipt(*logs: dict[str, object]) -> Receipt:
    return Receipt(b"\1" * 32, 1, 7, b"\2" * 32, list(logs), 60_000)  # type: ignore[arg-type]


def test_calldata_names_the_salt_and_the_transfer() -> None:
    customer = uuid.uuid4()
    deploy = deploy_wallet_calldata(customer)
    assert deploy[:4] == DEPLOY_WALLET
    assert decode(["bytes32"], deploy[4:]) == (wallet_salt(customer),)
    transfer = transfer_token_calldata(USDC, TO, 12_500_000)
    assert transfer[:4] == TRANSFER_TOKEN
    token, to, amount = decode(["address", "address", "uint256"], transfer[4:])
    assert (token.lower(), to.lower(), amount) == (USDC, TO, 12_500_000)


def test_only_the_wallets_event_for_the_token_counts() -> None:
    other = "0x" + "44" * 20
    receipt = _receipt(
        _log(WALLET, USDC, TO, 5),
        _log(other, USDC, TO, 6),  # another wallet
        _log(WALLET, other, TO, 7),  # another token
    )
    (moved,) = tokens_transferred(receipt, wallet=WALLET, token=USDC)
    assert (moved[0].lower(), moved[1]) == (TO, 5)
    assert tokens_transferred(_receipt(), wallet=WALLET, token=USDC) == []
