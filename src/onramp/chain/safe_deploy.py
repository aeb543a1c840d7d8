"""Deploy Safe v1.4.1 (the audited contracts from the ``@safe-global/safe-contracts`` package's
own build, vendored into ``contracts/artifacts``) and create owner-threshold Safes as proxies.

On a real network the canonical Safe deployments already exist and only the proxies are made;
on a local chain the singleton, factory and fallback handler are deployed first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3 import Web3

from onramp.chain.artifacts import load_artifact
from onramp.chain.deploy import Deployer
from onramp.chain.safe import ZERO_ADDRESS

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


def hand_vault_to_safe(d: Deployer, vault: str, admin_safe: str) -> None:
    """Make the Safe the vault's only admin: grant it the admin role, then the deployer gives
    its own up (the vault never has no admin in between)."""
    admin_role = bytes(32)
    d.call("TreasuryVault", vault, "grantRole", admin_role, Web3.to_checksum_address(admin_safe))
    d.call("TreasuryVault", vault, "renounceRole", admin_role, d.account.address)
