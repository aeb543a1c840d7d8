"""Proof that a customer controls a saved wallet: they sign a challenge with its key.

The challenge is an EIP-191 ``personal_sign`` text shaped like Sign-In with Ethereum (EIP-4361:
domain, address, statement, URI, version, chain id, nonce, issued/expiration time, request id),
so wallets show it readably and a person can see who asks and why. Its first line deliberately
differs from SIWE's ("wants you to sign in"): the signature proves control of the address, and
must not double as a login anywhere. A challenge is single use and expires; the used one keeps
the message and signature as the evidence of the proof.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import chain
from onramp.core.audit import record
from onramp.core.ids import uuid7
from onramp.wallets import address_book
from onramp.wallets.errors import (
    OwnershipChallengeExpired,
    OwnershipChallengeNotFound,
    OwnershipChallengeUsed,
    OwnershipMessageMismatch,
    OwnershipSignatureInvalid,
    OwnershipSignerMismatch,
    WalletOwnershipAlreadyProven,
)
from onramp.wallets.models import DestinationWallet, WalletOwnershipChallenge

METHOD = "eip191_personal_sign"
VERSION = "1"


@dataclass(frozen=True)
class ChallengeContext:
    """Who asks, where, on which chain, for how long (from settings)."""

    operator: str
    domain: str
    uri: str
    chain_id: int
    ttl: timedelta


def _timestamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def challenge_message(
    context: ChallengeContext,
    *,
    address: str,
    wallet_id: uuid.UUID,
    challenge_id: uuid.UUID,
    nonce: str,
    issued_at: datetime,
    expires_at: datetime,
) -> str:
    statement = (
        f"I confirm that I control this address, saved as a payout wallet of my "
        f"{context.operator} account. Signing moves no funds."
    )
    return "\n".join(
        [
            f"{context.domain} asks you to prove that you control this Ethereum account:",
            address,
            "",
            statement,
            "",
            f"URI: {context.uri}",
            f"Version: {VERSION}",
            f"Chain ID: {context.chain_id}",
            f"Nonce: {nonce}",
            f"Issued At: {_timestamp(issued_at)}",
            f"Expiration Time: {_timestamp(expires_at)}",
            f"Request ID: {challenge_id}",
            "Resources:",
            f"- {context.uri.rstrip('/')}/v1/me/wallets/{wallet_id}",
        ]
    )


async def issue_challenge(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    wallet_id: uuid.UUID,
    context: ChallengeContext,
    now: datetime,
) -> WalletOwnershipChallenge:
    wallet = await address_book.get_wallet(session, customer_id=customer_id, wallet_id=wallet_id)
    if wallet.ownership_proven_at is not None:
        raise WalletOwnershipAlreadyProven()
    issued_at = now.replace(microsecond=0)
    challenge_id, nonce = uuid7(), secrets.token_hex(12)
    expires_at = issued_at + context.ttl
    challenge = WalletOwnershipChallenge(
        id=challenge_id,
        wallet_id=wallet.id,
        customer_id=customer_id,
        address=wallet.address,
        nonce=nonce,
        message=challenge_message(
            context,
            address=wallet.address,
            wallet_id=wallet.id,
            challenge_id=challenge_id,
            nonce=nonce,
            issued_at=issued_at,
            expires_at=expires_at,
        ),
        issued_at=issued_at,
        expires_at=expires_at,
    )
    session.add(challenge)
    await record(
        session,
        actor=f"user:{customer_id}",
        action="wallet.ownership_challenge_issued",
        entity_type="user",
        entity_id=str(customer_id),
        data={"wallet_id": str(wallet.id), "challenge_id": str(challenge_id)},
    )
    await session.flush()
    return challenge


async def prove_ownership(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    wallet_id: uuid.UUID,
    challenge_id: uuid.UUID,
    signature: str,
    message: str | None,
    now: datetime,
) -> DestinationWallet:
    """Check the signature over the challenge's message; on success the wallet is proven and
    the challenge used. Any failure raises and changes nothing."""
    wallet = await address_book.get_wallet(
        session, customer_id=customer_id, wallet_id=wallet_id, for_update=True
    )
    challenge = await session.get(WalletOwnershipChallenge, challenge_id, with_for_update=True)
    if challenge is None or challenge.wallet_id != wallet.id:
        raise OwnershipChallengeNotFound()
    if challenge.used_at is not None:
        raise OwnershipChallengeUsed()
    if wallet.ownership_proven_at is not None:
        raise WalletOwnershipAlreadyProven()
    if challenge.expires_at <= now:
        raise OwnershipChallengeExpired()
    if message is not None and message != challenge.message:
        raise OwnershipMessageMismatch()
    try:
        signer = chain.recover_personal_sign(challenge.message, signature)
    except chain.SignatureMalformed:
        raise OwnershipSignatureInvalid() from None
    if signer != challenge.address or signer != wallet.address:
        raise OwnershipSignerMismatch(
            f"the message was signed by {signer}, not by the wallet's address {wallet.address}"
        )
    challenge.used_at = now
    challenge.signature = "0x" + signature.strip().removeprefix("0x").lower()
    wallet.ownership_proven_at = now
    wallet.ownership_method = METHOD
    wallet.ownership_challenge_id = challenge.id
    await record(
        session,
        actor=f"user:{customer_id}",
        action="wallet.ownership_proven",
        entity_type="user",
        entity_id=str(customer_id),
        data={
            "wallet_id": str(wallet.id),
            "address": wallet.address,
            "challenge_id": str(challenge.id),
            "method": METHOD,
        },
    )
    await session.flush()
    return wallet
