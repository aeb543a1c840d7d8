"""The payout signer whose key stays in the token: signatures recover, s is low, the key cannot be
read out, and a transaction it signs is mined."""

from __future__ import annotations

import asyncio

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from pkcs11 import Attribute, KeyType, ObjectClass
from pkcs11.exceptions import AttributeSensitive

from onramp.chain.client import ChainClient
from onramp.chain.signing.hsm_signer import (
    SECP256K1_N,
    PayoutKeyMissing,
    Pkcs11Signer,
    address_of_ec_point,
    generate_secp256k1_key,
)
from onramp.chain.signing.signer import LocalKeySigner
from onramp.chain.worker import PayoutKeyNotConfigured, payout_signer
from onramp.core.keys import Hsm
from onramp.core.settings import ANVIL_DEPLOYER_KEY
from onramp.devstack.stack import Stack


@pytest.fixture(scope="module")
def hsm(infra: Stack) -> Hsm:
    return Hsm.connect(infra.settings.hsm)


@pytest.fixture(scope="module")
def signer(hsm: Hsm) -> Pkcs11Signer:
    key_id, _ = generate_secp256k1_key(hsm, "test-signer")
    return Pkcs11Signer(hsm, key_id)


def _tx(nonce: int = 0, **extra: object) -> dict[str, object]:
    return {
        "type": 2,
        "chainId": 31337,
        "nonce": nonce,
        "to": "0x000000000000000000000000000000000000dEaD",
        "value": 1,
        "gas": 21_000,
        "maxFeePerGas": 3 * 10**9,
        "maxPriorityFeePerGas": 10**9,
        "data": b"",
        **extra,
    }


def test_a_signed_transaction_recovers_to_the_keys_address(signer: Pkcs11Signer) -> None:
    signed = signer.sign_transaction(_tx())
    assert signed.raw[0] == 2
    assert Account.recover_transaction(signed.raw) == signer.address


def test_s_is_always_low_and_every_signature_recovers(signer: Pkcs11Signer) -> None:
    for nonce in range(64):
        digest = nonce.to_bytes(32, "big")
        v, r, s = signer.sign_hash(digest)
        assert 0 < s <= SECP256K1_N // 2
        assert v in (0, 1)
        signed = signer.sign_transaction(_tx(nonce))
        assert Account.recover_transaction(signed.raw) == signer.address


def test_eip712_signature_recovers(signer: Pkcs11Signer) -> None:
    domain = {"name": "onramp", "version": "1", "chainId": 31337}
    types = {"Payout": [{"name": "to", "type": "address"}, {"name": "amount", "type": "uint256"}]}
    message = {"to": "0x000000000000000000000000000000000000dEaD", "amount": 1_000_000}
    signature = signer.sign_typed_data(domain, types, message)
    assert len(signature) == 65
    assert signature[64] in (27, 28)
    signable = encode_typed_data(domain, types, message)
    assert Account.recover_message(signable, signature=signature) == signer.address


def test_the_private_key_cannot_leave_the_token(hsm: Hsm) -> None:
    key_id, _ = generate_secp256k1_key(hsm, "test-extract")
    with hsm.session() as session:
        key = session.get_key(ObjectClass.PRIVATE_KEY, KeyType.EC, id=bytes.fromhex(key_id))
        assert key[Attribute.SENSITIVE] is True
        assert key[Attribute.EXTRACTABLE] is False
        assert key[Attribute.NEVER_EXTRACTABLE] is True
        assert key[Attribute.TOKEN] is True
        with pytest.raises(AttributeSensitive):
            key[Attribute.VALUE]


def test_two_keys_with_one_label_get_distinct_ids(hsm: Hsm) -> None:
    first = generate_secp256k1_key(hsm, "test-same-label")
    second = generate_secp256k1_key(hsm, "test-same-label")
    assert first[0] != second[0]
    assert first[1] != second[1]
    assert Pkcs11Signer(hsm, second[0]).address == second[1]


def test_an_unknown_key_id_is_refused(hsm: Hsm) -> None:
    with pytest.raises(PayoutKeyMissing):
        Pkcs11Signer(hsm, "00" * 16)


async def test_a_transaction_signed_in_the_hsm_is_mined(infra: Stack, signer: Pkcs11Signer) -> None:
    client = ChainClient(infra.anvil.url)
    funder = Account.from_key(ANVIL_DEPLOYER_KEY)
    fee = await client.base_fee() * 2 + 10**9
    funding = funder.sign_transaction(
        {
            "type": 2,
            "chainId": 31337,
            "nonce": await client.pending_nonce(funder.address),
            "to": signer.address,
            "value": 10**17,
            "gas": 21_000,
            "maxFeePerGas": fee,
            "maxPriorityFeePerGas": 10**9,
        }
    )
    await client.send_raw(bytes(funding.raw_transaction))
    nonce = await client.pending_nonce(signer.address)
    signed = signer.sign_transaction(_tx(nonce, maxFeePerGas=fee))
    assert await client.send_raw(signed.raw) == signed.tx_hash
    receipt = None
    for _ in range(100):
        receipt = await client.receipt(signed.tx_hash)
        if receipt is not None:
            break
        await asyncio.sleep(0.05)
    assert receipt is not None
    assert receipt.status == 1


def test_the_configured_payout_signer(infra: Stack, hsm: Hsm, signer: Pkcs11Signer) -> None:
    chain = infra.settings.chain
    key_id = next(iter(_ids(hsm, signer.address)))
    hsm_chain = chain.model_copy(update={"signer": "hsm", "payout_key_id": key_id})
    assert payout_signer(hsm_chain, infra.settings.hsm).address == signer.address
    with pytest.raises(PayoutKeyNotConfigured):
        payout_signer(hsm_chain.model_copy(update={"payout_key_id": ""}), infra.settings.hsm)
    local = chain.model_copy(update={"signer": "local"})
    assert isinstance(payout_signer(local, infra.settings.hsm), LocalKeySigner)


def _ids(hsm: Hsm, address: str) -> set[str]:
    """The CKA_IDs of the token's public EC keys with this address."""
    with hsm.session() as session:
        return {
            bytes(key[Attribute.ID]).hex()
            for key in session.get_objects(
                {Attribute.CLASS: ObjectClass.PUBLIC_KEY, Attribute.KEY_TYPE: KeyType.EC}
            )
            if address_of_ec_point(bytes(key[Attribute.EC_POINT])) == address
        }
