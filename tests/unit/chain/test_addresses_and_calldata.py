"""Chain helpers that need no node: addresses, CREATE2 wallets, error mapping, calldata, logs."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from eth_abi.abi import decode, encode
from eth_utils.crypto import keccak

from onramp.chain.addresses import (
    checksum,
    customer_wallet_address,
    order_id_bytes32,
    order_id_from_bytes32,
)
from onramp.chain.client import Receipt
from onramp.chain.errors import (
    AlreadyKnown,
    ChainRpcError,
    InsufficientFunds,
    InvalidAddress,
    NonceTooLow,
    ReplacementUnderpriced,
    classify_rpc_error,
)
from onramp.chain.paying.payout_plan import PayoutItem, payout_batch_calldata
from onramp.chain.transactions.confirmations import PayoutLog, payout_logs
from onramp.core.errors import InvalidInput, Unavailable

REPO = Path(__file__).resolve().parents[3]
# the EIP-55 test vector
CHECKSUMMED = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
FACTORY = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
VAULT = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
ORDER = uuid.UUID("0190f3c2-7b1e-7c3a-9d2e-5f4a3b2c1d0e")
PAYOUT_TOPIC = keccak(text="Payout(bytes32,address,uint256)")


@pytest.mark.parametrize(
    "address", [CHECKSUMMED, CHECKSUMMED.lower(), "0x" + CHECKSUMMED[2:].upper()]
)
def test_checksum_normalises_to_eip55(address: str) -> None:
    assert checksum(address) == CHECKSUMMED


@pytest.mark.parametrize(
    "address",
    [
        "",
        "0x",
        "garbage",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",  # 39 hex digits
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00",  # 42 hex digits
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg",
        "0x" + "00" * 20,
        "0X" + "00" * 20,
        " " + CHECKSUMMED,
        "0x" + "00" * 32,  # a bytes32, not an address
    ],
)
def test_checksum_rejects(address: str) -> None:
    with pytest.raises(InvalidAddress) as info:
        checksum(address)
    assert info.value.code == "invalid_address"
    assert isinstance(info.value, InvalidInput)


@pytest.mark.parametrize("value", [None, 123, b"\x00" * 20])
def test_checksum_rejects_non_strings(value: object) -> None:
    with pytest.raises(InvalidAddress):
        checksum(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "address",
    [
        "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",  # one letter's case flipped
        "0x5aAeb6054F3E94C9b9A09f33669435E7Ef1BeAed",  # one digit mistyped
    ],
)
def test_checksum_rejects_mixed_case_with_wrong_checksum(address: str) -> None:
    with pytest.raises(InvalidAddress):
        checksum(address)


def test_checksum_rejects_unprefixed_zero_address() -> None:
    with pytest.raises(InvalidAddress):
        checksum("00" * 20)


@pytest.mark.parametrize(
    "order_id", [ORDER, uuid.UUID(int=0), uuid.UUID(int=(1 << 128) - 1), uuid.uuid4()]
)
def test_order_id_bytes32_round_trip(order_id: uuid.UUID) -> None:
    value = order_id_bytes32(order_id)
    assert len(value) == 32
    assert value[:16] == b"\x00" * 16
    assert value[16:] == order_id.bytes
    assert order_id_from_bytes32(value) == order_id


def independent_create2(factory: str, customer: uuid.UUID) -> str:
    artifact = json.loads((REPO / "contracts" / "artifacts" / "UserWallet.json").read_text())
    init_code = bytes.fromhex(artifact["bytecode"].removeprefix("0x"))
    salt = b"\x00" * 16 + customer.bytes
    digest = keccak(b"\xff" + bytes.fromhex(factory[2:]) + salt + keccak(init_code))
    return "0x" + digest[12:].hex()


def test_customer_wallet_address_is_create2() -> None:
    address = customer_wallet_address(FACTORY, ORDER)
    assert address == checksum(address)
    assert address.lower() == independent_create2(FACTORY, ORDER)


def test_customer_wallet_address_accepts_lower_case_factory() -> None:
    assert customer_wallet_address(FACTORY.lower(), ORDER) == customer_wallet_address(
        FACTORY, ORDER
    )


def test_customer_wallet_address_differs_per_customer_and_factory() -> None:
    customers = [uuid.UUID(int=i) for i in range(1, 21)] + [ORDER]
    addresses = {customer_wallet_address(FACTORY, c) for c in customers}
    assert len(addresses) == len(customers)
    assert customer_wallet_address(VAULT, ORDER) != customer_wallet_address(FACTORY, ORDER)


def test_customer_wallet_address_rejects_bad_factory() -> None:
    with pytest.raises(InvalidAddress):
        customer_wallet_address("0x1234", ORDER)


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("nonce too low", NonceTooLow),
        ("{'code': -32000, 'message': 'nonce too low: next nonce 5, tx nonce 4'}", NonceTooLow),
        ("Nonce Too Low", NonceTooLow),
        ("already known", AlreadyKnown),
        ("known transaction: 0xabc", AlreadyKnown),
        ("replacement transaction underpriced", ReplacementUnderpriced),
        ("insufficient funds for gas * price + value", InsufficientFunds),
        ("execution timeout", ChainRpcError),
        ("", ChainRpcError),
    ],
)
def test_classify_rpc_error(message: str, error: type[ChainRpcError]) -> None:
    result = classify_rpc_error(message)
    assert type(result) is error
    assert isinstance(result, Unavailable)
    assert result.detail == (message or result.title)


def item(n: int, amount: int) -> PayoutItem:
    return PayoutItem(
        order_id=uuid.UUID(int=n),
        to=customer_wallet_address(FACTORY, uuid.UUID(int=n)),
        amount=amount,
    )


@pytest.mark.parametrize(
    "items", [[], [item(1, 1)], [item(1, 10**6), item(2, 2**256 - 1), item(3, 0)]]
)
def test_payout_batch_calldata(items: list[PayoutItem]) -> None:
    data = payout_batch_calldata(items)
    assert data[:4] == keccak(text="payoutBatch(bytes32[],address[],uint256[])")[:4]
    ids, tos, amounts = decode(["bytes32[]", "address[]", "uint256[]"], data[4:])
    assert [order_id_from_bytes32(i) for i in ids] == [i.order_id for i in items]
    assert [t.lower() for t in tos] == [i.to.lower() for i in items]
    assert list(amounts) == [i.amount for i in items]
    assert (len(data) - 4) % 32 == 0


def payout_log(
    order_id: uuid.UUID, to: str, amount: int, address: str = VAULT
) -> dict[str, object]:
    return {
        "address": address,
        "topics": [PAYOUT_TOPIC, order_id_bytes32(order_id), bytes(12) + bytes.fromhex(to[2:])],
        "data": encode(["uint256"], [amount]),
    }


def receipt(*logs: dict[str, object]) -> Receipt:
    return Receipt(
        tx_hash=b"\x11" * 32,
        status=1,
        block_number=7,
        block_hash=b"\x22" * 32,
        logs=list(logs),
        gas_used=21_000,
    )


def test_payout_logs_parses_vault_payouts() -> None:
    other = uuid.UUID(int=2)
    found = payout_logs(
        receipt(
            payout_log(ORDER, CHECKSUMMED.lower(), 1_117_334_852), payout_log(other, FACTORY, 5)
        ),
        VAULT.lower(),
    )
    assert found == {
        str(ORDER): PayoutLog(order_id=str(ORDER), to=CHECKSUMMED, amount=1_117_334_852),
        str(other): PayoutLog(order_id=str(other), to=FACTORY, amount=5),
    }


def test_payout_logs_ignores_other_addresses_and_topics() -> None:
    transfer_topic = keccak(text="Transfer(address,address,uint256)")
    foreign = payout_log(ORDER, CHECKSUMMED, 1, address=FACTORY)
    other_event = {
        **payout_log(ORDER, CHECKSUMMED, 1),
        "topics": [transfer_topic, bytes(32), bytes(32)],
    }
    no_topics: dict[str, object] = {"address": VAULT, "topics": [], "data": b""}
    assert payout_logs(receipt(foreign, other_event, no_topics), VAULT) == {}
    assert payout_logs(receipt(), VAULT) == {}
