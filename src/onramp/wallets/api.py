"""``/v1/me/wallets``: the caller's address book of payout destinations (adding needs step-up)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from onramp.auth import Permission, Principal, require
from onramp.compliance import ListMatchersDep, SessionFactoryDep
from onramp.core.paging import BlankIsNone, Paged, PageDep
from onramp.core.request_fields import MultilineText, Text
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.wallets import address_book, own_wallets, ownership
from onramp.wallets.models import DestinationWallet
from onramp.wallets.own_wallets import WalletIn

router = APIRouter(prefix="/v1/me/wallets", tags=["wallets"])
CustodyQuery = Annotated[
    address_book.Custody | None,
    BlankIsNone,
    Query(description="Only the wallets whose keys the caller holds (`self_hosted`), or `hosted`"),
]


class WalletOut(BaseModel):
    id: uuid.UUID
    label: str
    address: str
    custody: str
    vasp_name: str | None
    ownership: Literal["unproven", "proven"] = Field(
        description="Travel rule: a self-hosted wallet must be proven before a payout at or "
        "above the threshold (POST .../ownership-challenge, then .../ownership-proof)"
    )
    ownership_proven_at: datetime | None
    ownership_method: str | None = Field(examples=["eip191_personal_sign"])
    created_at: datetime
    blocked: bool = Field(
        description="A sanctions list update named this address: orders may no longer pay it"
    )


class ChallengeOut(BaseModel):
    challenge_id: uuid.UUID
    wallet_id: uuid.UUID
    address: str
    message: str = Field(description="Sign exactly this text with personal_sign (EIP-191)")
    nonce: str
    issued_at: datetime
    expires_at: datetime


class ProofIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    challenge_id: uuid.UUID
    signature: Text = Field(
        min_length=1, max_length=200, description="0x + 130 hex digits (r, s, v)"
    )
    message: MultilineText | None = Field(
        default=None,
        max_length=2000,
        description="Optional: the signed text (several lines), checked to be the "
        "challenge's exactly",
    )


class WalletList(Paged):
    data: list[WalletOut]


def _out(wallet: DestinationWallet) -> WalletOut:
    return WalletOut(
        id=wallet.id,
        label=wallet.label,
        address=wallet.address,
        custody=wallet.custody,
        vasp_name=wallet.vasp_name,
        ownership="unproven" if wallet.ownership_proven_at is None else "proven",
        ownership_proven_at=wallet.ownership_proven_at,
        ownership_method=wallet.ownership_method,
        created_at=wallet.created_at,
        blocked=wallet.blocked_at is not None,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Add an external wallet that orders may pay (needs a recent second factor)",
    description=(
        "Orders pay the caller's own custodial wallet unless `destination_address` names one "
        "of these. Needs a step-up within `ONRAMP_AUTH__STEP_UP_MAX_AGE_SECONDS` and a login "
        "session (not an API key). The address is screened against the latest sanctions lists "
        "first: a listed address is refused with `destination_sanctioned` and compliance is "
        "alerted."
    ),
    responses={
        403: {"description": "step_up_required, mfa_enrollment_required, destination_sanctioned"},
        409: {"description": "wallet_exists"},
        422: {
            "description": "invalid_address, destination_not_allowed (an address of the "
            "operator or the system: the vault, USDC, the wallet factory, a Safe, an HSM key; the "
            "zero address; a precompile), wallet_custody_invalid"
        },
    },
)
async def add_wallet(
    body: WalletIn,
    principal: Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN, person=True)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    matchers: ListMatchersDep,
    sessions: SessionFactoryDep,
) -> WalletOut:
    wallet = await own_wallets.add_own_wallet(
        session,
        sessions,
        matchers,
        principal=principal,
        body=body,
        settings=settings,
        now=clock.now(),
    )
    return _out(wallet)


@router.get("", summary="The caller's saved wallets, newest first")
async def list_wallets(
    principal: Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN)],
    session: SessionDep,
    page: PageDep,
    custody: CustodyQuery = None,
) -> WalletList:
    rows = await address_book.list_wallets(
        session, customer_id=principal.user_id, page=page, custody=custody
    )
    return WalletList(data=[_out(w) for w in rows], next_before=page.next_before(rows))


@router.get(
    "/{wallet_id}",
    summary="One of the caller's saved wallets",
    responses={404: {"description": "wallet_not_found"}},
)
async def get_wallet(
    wallet_id: uuid.UUID,
    principal: Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN)],
    session: SessionDep,
) -> WalletOut:
    wallet = await address_book.get_wallet(
        session, customer_id=principal.user_id, wallet_id=wallet_id
    )
    return _out(wallet)


@router.delete(
    "/{wallet_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a saved wallet (orders already placed still pay it)",
    responses={404: {"description": "wallet_not_found"}},
)
async def remove_wallet(
    wallet_id: uuid.UUID,
    principal: Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN)],
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    await address_book.remove_wallet(
        session, customer_id=principal.user_id, wallet_id=wallet_id, now=clock.now()
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{wallet_id}/ownership-challenge",
    status_code=status.HTTP_201_CREATED,
    summary="A message to sign with the wallet's key, proving you control it (travel rule)",
    description=(
        "Returns an EIP-191 `personal_sign` text (shaped like Sign-In with Ethereum) naming the "
        "operator, the address, the wallet, a random nonce and an expiry "
        "(`ONRAMP_COMPLIANCE__WALLET_PROOF_TTL_SECONDS`). Sign it unchanged with the wallet and "
        "send the signature to `/ownership-proof`. Each challenge works once."
    ),
    responses={
        404: {"description": "wallet_not_found"},
        409: {"description": "wallet_ownership_already_proven"},
    },
)
async def ownership_challenge(
    wallet_id: uuid.UUID,
    principal: Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN)],
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> ChallengeOut:
    challenge = await own_wallets.own_challenge(
        session,
        customer_id=principal.user_id,
        wallet_id=wallet_id,
        settings=settings,
        now=clock.now(),
    )
    return ChallengeOut(
        challenge_id=challenge.id,
        wallet_id=challenge.wallet_id,
        address=challenge.address,
        message=challenge.message,
        nonce=challenge.nonce,
        issued_at=challenge.issued_at,
        expires_at=challenge.expires_at,
    )


@router.post(
    "/{wallet_id}/ownership-proof",
    summary="Prove you control the wallet: the signature of its ownership challenge",
    description=(
        "Recovers the signer of the challenge's message (EIP-191) and compares it with the "
        "wallet's address, whatever the case of either. On success the wallet is `proven`; any "
        "failure changes nothing."
    ),
    responses={
        404: {"description": "wallet_not_found, ownership_challenge_not_found"},
        409: {
            "description": "ownership_challenge_expired, ownership_challenge_used, "
            "wallet_ownership_already_proven"
        },
        422: {
            "description": "ownership_signature_invalid, ownership_signer_mismatch, "
            "ownership_message_mismatch"
        },
    },
)
async def ownership_proof(
    wallet_id: uuid.UUID,
    body: ProofIn,
    principal: Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN)],
    session: SessionDep,
    clock: ClockDep,
) -> WalletOut:
    wallet = await ownership.prove_ownership(
        session,
        customer_id=principal.user_id,
        wallet_id=wallet_id,
        challenge_id=body.challenge_id,
        signature=body.signature,
        message=body.message,
        now=clock.now(),
    )
    return _out(wallet)
