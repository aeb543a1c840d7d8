"""Customers' custodial wallets on-chain: whether one is deployed and what USDC it holds, the
calls the factory's operator makes (``deployWallet``, ``transferToken``), and the
``TokenTransferred`` event that proves a withdrawal moved the tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from eth_abi.abi import decode, encode
from eth_utils.address import to_checksum_address

from onramp.chain.addresses import checksum, customer_wallet_address, wallet_salt
from onramp.chain.artifacts import selector, topic
from onramp.chain.client import ChainClient, Receipt

DEPLOY_WALLET = selector("deployWallet(bytes32)")
TRANSFER_TOKEN = selector("transferToken(address,address,uint256)")
TOKEN_TRANSFERRED = topic("TokenTransferred(address,address,uint256)")


@dataclass(frozen=True)
class CustodialWallet:
    address: str
    deployed: bool
    balance: int  # USDC base units on-chain


async def withdrawals_stopped(client: ChainClient, *, factory: str, custody: str) -> str | None:
    """Why no wallet's ``transferToken`` can succeed now, if so: the factory's owner paused
    withdrawals, or the custody key is not (or no longer) the factory's operator. Both pass
    (the owner unpauses, or sets the operator back): withdrawals wait, never fail, meanwhile."""
    (paused,) = decode(["bool"], await client.call(factory, selector("paused()")))
    if paused:
        return "withdrawals_paused: the wallet factory's owner paused withdrawals"
    (operator,) = decode(["address"], await client.call(factory, selector("operator()")))
    if to_checksum_address(operator) != checksum(custody):
        return "custody_key_not_operator: the wallet factory's operator is another key"
    return None


def deploy_wallet_calldata(customer_id: uuid.UUID) -> bytes:
    return DEPLOY_WALLET + encode(["bytes32"], [wallet_salt(customer_id)])


def transfer_token_calldata(token: str, to: str, amount: int) -> bytes:
    return TRANSFER_TOKEN + encode(
        ["address", "address", "uint256"], [checksum(token), checksum(to), amount]
    )


async def custodial_wallet(
    client: ChainClient, *, factory: str, usdc: str, customer_id: uuid.UUID
) -> CustodialWallet:
    """The customer's wallet as the chain has it now: deployed or not, it may hold USDC."""
    address = customer_wallet_address(factory, customer_id)
    return CustodialWallet(
        address=address,
        deployed=len(await client.code(address)) > 0,
        balance=await client.token_balance(usdc, address),
    )


def tokens_transferred(receipt: Receipt, *, wallet: str, token: str) -> list[tuple[str, int]]:
    """(to, amount) of each ``TokenTransferred`` the wallet emitted for ``token``."""
    found: list[tuple[str, int]] = []
    for entry in receipt.logs:
        topics = [bytes(t) for t in entry["topics"]]
        if (
            str(entry["address"]).lower() != wallet.lower()
            or len(topics) != 3
            or topics[0] != TOKEN_TRANSFERRED
            or to_checksum_address(topics[1][-20:]) != checksum(token)
        ):
            continue
        (amount,) = decode(["uint256"], bytes(entry["data"]))
        found.append((to_checksum_address(topics[2][-20:]), int(amount)))
    return found
