"""Deploy Safe v1.4.1 (the audited contracts from the ``@safe-global/safe-contracts`` package's
own build, vendored into ``contracts/artifacts``) and create owner-threshold Safes as proxies.

On a real network the canonical Safe deployments already exist and only the proxies are made;
on a local chain the singleton, factory and fallback handler are deployed first.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3 import Web3

from onramp.chain.artifacts import load_artifact
from onramp.chain.contracts.deploy import Deployer
from onramp.chain.contracts.safe import (
    ZERO_ADDRESS,
    SafeTx,
    exec_transaction_calldata,
    packed_signatures,
)

PROXY_CREATION_TOPIC = keccak(text="ProxyCreation(address,address)")


@dataclass(frozen=True)
class SafeFactory:
    singleton: str
    proxy_factory: str
    fallback_handler: str
    multi_send_call_only: str


def deploy_safe_factory(d: Deployer) -> SafeFactory:
    return SafeFactory(
        singleton=d.deploy("Safe"),
        proxy_factory=d.deploy("SafeProxyFactory"),
        fallback_handler=d.deploy("CompatibilityFallbackHandler"),
        multi_send_call_only=d.deploy("MultiSendCallOnly"),
    )


def create_safe(
    d: Deployer, factory: SafeFactory, owners: Sequence[str], threshold: int, salt_nonce: int
) -> str:
    """A new Safe proxy with ``owners`` and ``threshold`` (k of n); returns its address."""
    if not 1 <= threshold <= len(owners):
        raise ValueError(f"threshold {threshold} of {len(owners)} owners")
    safe = d.w3.eth.contract(abi=load_artifact("Safe").abi)
    setup = safe.encode_abi(
        "setup",
        args=[
            [Web3.to_checksum_address(o) for o in owners],
            threshold,
            ZERO_ADDRESS,
            b"",
            Web3.to_checksum_address(factory.fallback_handler),
            ZERO_ADDRESS,
            0,
            ZERO_ADDRESS,
        ],
    )
    receipt = d.call(
        "SafeProxyFactory",
        factory.proxy_factory,
        "createProxyWithNonce",
        Web3.to_checksum_address(factory.singleton),
        bytes.fromhex(setup.removeprefix("0x")),
        salt_nonce,
    )
    for entry in receipt["logs"]:
        topics = [bytes(t) for t in entry["topics"]]
        if topics and topics[0] == PROXY_CREATION_TOPIC:
            return to_checksum_address(topics[1][-20:])
    raise RuntimeError("createProxyWithNonce emitted no ProxyCreation event")


def exec_as_safe(d: Deployer, safe: str, to: str, data: bytes, owner_keys: Sequence[str]) -> Any:
    """``safe`` calls ``to`` with ``data``: a Safe transaction signed with ``owner_keys`` (at
    least its threshold of owners) and sent by ``d``. Local chains only, where the owners' keys
    are known test keys; on a real network each owner signs on their own device (a proposal)."""
    safe = Web3.to_checksum_address(safe)
    contract = d.w3.eth.contract(address=safe, abi=load_artifact("Safe").abi)
    tx = SafeTx(
        safe=safe,
        chain_id=int(d.w3.eth.chain_id),
        to=Web3.to_checksum_address(to),
        data=data,
        nonce=int(contract.functions.nonce().call()),
    )
    signatures = {
        Account.from_key(key).address: bytes(Account.unsafe_sign_hash(tx.hash(), key).signature)
        for key in owner_keys
    }
    call = exec_transaction_calldata(tx, packed_signatures(signatures))
    return d.send({"to": safe, "data": call, "value": 0})


def _calldata(d: Deployer, name: str, function: str, *args: Any) -> bytes:
    data = d.w3.eth.contract(abi=load_artifact(name).abi).encode_abi(function, args=list(args))
    return bytes.fromhex(data.removeprefix("0x"))


def _wait_until_after(d: Deployer, timestamp: int) -> None:
    """Until the latest block is later than ``timestamp`` (the end of an admin delay, a second
    at most on a local chain, whose vault has none), since the acceptance is estimated against
    it. A local chain stamps blocks with its own clock in whole seconds, several blocks may
    share one, and it mines only when sent something: so an empty transfer to ourselves each
    half second until a block is late enough."""
    while int(d.w3.eth.get_block("latest")["timestamp"]) <= timestamp:
        time.sleep(0.5)
        d.fund(d.account.address, 0)


def hand_vault_to_safe(d: Deployer, vault: str, admin_safe: str, owner_keys: Sequence[str]) -> None:
    """Make the Safe the vault's admin in the vault's two steps (AccessControlDefaultAdminRules):
    the deployer begins the hand-over, and once the vault's admin delay has passed the Safe
    accepts it, a Safe transaction its owners sign. The vault never has no admin, nor two."""
    safe = Web3.to_checksum_address(admin_safe)
    d.call("TreasuryVault", vault, "beginDefaultAdminTransfer", safe)
    vault_contract = d.w3.eth.contract(
        address=Web3.to_checksum_address(vault), abi=load_artifact("TreasuryVault").abi
    )
    _, schedule = vault_contract.functions.pendingDefaultAdmin().call()
    _wait_until_after(d, int(schedule))
    accept = _calldata(d, "TreasuryVault", "acceptDefaultAdminTransfer")
    exec_as_safe(d, safe, vault, accept, owner_keys)


def hand_wallet_factory_to_safe(
    d: Deployer, factory: str, owner_safe: str, owner_keys: Sequence[str]
) -> None:
    """Make the Safe the UserWalletFactory's owner (who replaces or revokes the custody key and
    pauses withdrawals) in Ownable2Step's two steps: the deployer offers, the Safe accepts."""
    safe = Web3.to_checksum_address(owner_safe)
    d.call("UserWalletFactory", factory, "transferOwnership", safe)
    accept = _calldata(d, "UserWalletFactory", "acceptOwnership")
    exec_as_safe(d, safe, factory, accept, owner_keys)
