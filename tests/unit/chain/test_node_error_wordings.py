"""Each node client words a refusal its own way: geth, Nethermind, Erigon and anvil's wordings
all map to the same typed error (a stored transaction's fate is decided on these)."""

from __future__ import annotations

import pytest

from onramp.chain.errors import (
    AlreadyKnown,
    ChainRpcError,
    InsufficientFunds,
    NonceTooLow,
    ReplacementUnderpriced,
    classify_rpc_error,
)

ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("already known", AlreadyKnown),
        (f"nonce too low: address {ADDRESS}, tx: 5 state: 7", NonceTooLow),
        (
            f"err: nonce too low: address {ADDRESS}, tx: 5 state: 7 (supplied gas 21000)",
            NonceTooLow,
        ),
        ("replacement transaction underpriced", ReplacementUnderpriced),
        (
            f"insufficient funds for gas * price + value: address {ADDRESS} have 10 want 21000",
            InsufficientFunds,
        ),
    ],
)
def test_geth(message: str, error: type[ChainRpcError]) -> None:
    assert type(classify_rpc_error(message)) is error


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("AlreadyKnown", AlreadyKnown),
        ("OldNonce, Current nonce: 7, nonce of rejected tx: 5", NonceTooLow),
        ("ReplacementNotAllowed", ReplacementUnderpriced),
        ("FeeTooLowToCompete", ReplacementUnderpriced),
        (
            "InsufficientFunds, Account balance: 3020000000000000000, cumulative cost: 58091771",
            InsufficientFunds,
        ),
    ],
)
def test_nethermind(message: str, error: type[ChainRpcError]) -> None:
    assert type(classify_rpc_error(message)) is error


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("already known", AlreadyKnown),
        ("nonce too low", NonceTooLow),
        ("could not replace existing tx", ReplacementUnderpriced),
        ("insufficient funds", InsufficientFunds),
    ],
)
def test_erigon(message: str, error: type[ChainRpcError]) -> None:
    assert type(classify_rpc_error(message)) is error


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("transaction already imported", AlreadyKnown),
        ("nonce too low", NonceTooLow),
        ("Insufficient funds for gas * price + value", InsufficientFunds),
        ("replacement transaction underpriced", ReplacementUnderpriced),
    ],
)
def test_anvil(message: str, error: type[ChainRpcError]) -> None:
    assert type(classify_rpc_error(message)) is error


def test_an_unknown_refusal_stays_a_plain_rpc_error() -> None:
    assert type(classify_rpc_error("transaction underpriced")) is ChainRpcError
