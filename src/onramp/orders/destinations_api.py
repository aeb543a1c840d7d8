"""``/v1/me/wallets``: the caller's address book of payout destinations (adding needs step-up)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from onramp.compliance.web import ListMatchersDep, SessionFactoryDep
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.identity import mfa
from onramp.identity.access import require
from onramp.identity.permissions import Permission
from onramp.identity.tokens import Principal
from onramp.orders import destinations
from onramp.orders.models import DestinationWallet

router = APIRouter(prefix="/v1/me/wallets", tags=["wallets"])


class WalletIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=100, examples=["Treasury cold wallet"])
    address: str = Field(
        min_length=1,
        max_length=60,
        description="EVM address; mixed case must be a valid EIP-55 checksum",
        examples=["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"],
    )


class WalletOut(BaseModel):
    id: uuid.UUID
    label: str
    address: str
    created_at: datetime
    blocked: bool = Field(
        description="A sanctions list update named this address: orders may no longer pay it"
    )


class WalletList(BaseModel):
    data: list[WalletOut]


def _out(wallet: DestinationWallet) -> WalletOut:
    return WalletOut(
        id=wallet.id,
        label=wallet.label,
        address=wallet.address,
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
        422: {"description": "invalid_address"},
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
    await mfa.require_step_up(
        session,
        principal=principal,
        now=clock.now(),
        max_age=timedelta(seconds=settings.auth.step_up_max_age_seconds),
    )
    await destinations.screen_new_destination(
        sessions, matchers, customer_id=principal.user_id, address=body.address, now=clock.now()
    )
    wallet = await destinations.add_wallet(
        session,
        customer_id=principal.user_id,
        label=body.label,
        address=body.address,
        now=clock.now(),
    )
    return _out(wallet)


@router.get("", summary="The caller's saved wallets")
async def list_wallets(
    principal: Annotated[Principal, require(Permission.WALLETS_MANAGE_OWN)], session: SessionDep
) -> WalletList:
    rows = await destinations.list_wallets(session, customer_id=principal.user_id)
    return WalletList(data=[_out(w) for w in rows])


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
    wallet = await destinations.get_wallet(
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
    await destinations.remove_wallet(
        session, customer_id=principal.user_id, wallet_id=wallet_id, now=clock.now()
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
