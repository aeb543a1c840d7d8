"""``/v1/me/standing-reference``: the customer's permanent reference. Every transfer quoting it
is converted at the rate of the day it arrives and paid to the destination chosen here."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from onramp.auth import Permission, Principal, require
from onramp.banking import (
    StandingReference,
    StandingReferenceNotFound,
    active_standing_references,
    create_standing_reference,
    format_creditor_reference,
    revoke_standing_reference,
    treasury_account,
)
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep
from onramp.wallets import payout_destination

router = APIRouter(prefix="/v1/me/standing-reference", tags=["standing reference"])


class StandingReferenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    destination_address: Text | None = Field(
        max_length=60,
        default=None,
        description="Where the USDC goes: your own wallet (default) or a saved one",
    )


class PayToOut(BaseModel):
    currency: str
    scheme: str = Field(description="`iban` (with `bic`) or `us_aba` (routing and account number)")
    iban: str | None
    bic: str | None
    routing_number: str | None
    account_number: str | None
    account_name: str


class StandingReferenceOut(BaseModel):
    reference: str = Field(description="Quote it on every transfer (ISO 11649, print format)")
    pay_to: list[PayToOut] = Field(description="Where to send each currency offered")
    destination_address: str
    created_at: datetime


def _out(row: StandingReference, request: Request) -> StandingReferenceOut:
    settings = request.app.state.settings
    pay_to = []
    for currency in settings.fx.offered_currencies:
        account = treasury_account(settings.banking, currency)
        pay_to.append(
            PayToOut(
                currency=currency,
                scheme=account.scheme,
                iban=account.iban,
                bic=account.bic,
                routing_number=account.routing_number,
                account_number=account.account_number,
                account_name=account.account_name,
            )
        )
    return StandingReferenceOut(
        reference=format_creditor_reference(row.creditor_reference),
        pay_to=pay_to,
        destination_address=row.destination_address,
        created_at=row.created_at,
    )


@router.post(
    "",
    summary="Get a standing reference (made on first call)",
    description=(
        "Deposits quoting it need no order: each is converted at the rate of the day it "
        "arrives, within your limits, and paid to `destination_address`. Calling again returns "
        "the same reference; revoke it to choose another destination."
    ),
    responses={422: {"description": "destination_not_in_address_book, no_default_wallet"}},
)
async def create(
    body: StandingReferenceIn,
    request: Request,
    principal: Annotated[Principal, require(Permission.ORDERS_CREATE)],
    session: SessionDep,
    clock: ClockDep,
) -> StandingReferenceOut:
    destination = await payout_destination(
        session,
        customer_id=principal.user_id,
        requested=body.destination_address,
        wallet_factory=request.app.state.settings.chain.wallet_factory_address,
    )
    row = await create_standing_reference(
        session, customer_id=principal.user_id, destination=destination, now=clock.now()
    )
    return _out(row, request)


@router.get("", summary="Your standing reference", responses={404: {"description": "none"}})
async def show(
    request: Request,
    principal: Annotated[Principal, require(Permission.ORDERS_READ_OWN)],
    session: SessionDep,
) -> StandingReferenceOut:
    row = await active_standing_references(session, principal.user_id)
    if row is None:
        raise StandingReferenceNotFound()
    return _out(row, request)


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke your standing reference",
    description="Transfers quoting it afterwards are held for an operator, not converted.",
    responses={404: {"description": "standing_reference_not_found"}},
)
async def revoke(
    principal: Annotated[Principal, require(Permission.ORDERS_CREATE)],
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    await revoke_standing_reference(session, customer_id=principal.user_id, now=clock.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
