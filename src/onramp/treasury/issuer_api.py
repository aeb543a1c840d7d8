"""``/v1/admin/treasury``'s issuer operations: every mint and redeem with its state, and the
redeem request (four-eyes, as the mint's; sent afterwards by whoever holds the cold Safe)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from onramp.auth import Permission, Principal, require
from onramp.core.money import Money
from onramp.core.request_fields import Text
from onramp.core.settings import Settings
from onramp.core.web import ClockDep, SessionDep
from onramp.treasury.issuer import IssuerOperationView, list_operations
from onramp.treasury.issuer.models import IssuerOperationStatus
from onramp.treasury.issuer_mints import (
    APPROVED_REDEEM_PREFIX,
    redeem_command,
    request_issuer_redeem,
)
from onramp.treasury.schemas import USDC_AMOUNT

router = APIRouter(prefix="/v1/admin/treasury", tags=["treasury (staff)"])


class IssuerOperationOut(BaseModel):
    id: uuid.UUID
    kind: str = Field(description="`mint` or `redeem`")
    status: str = Field(description="requested, wire_sent, …, completed, failed, needs_review")
    amount: str = Field(description="USDC")
    destination: str = Field(description="A mint's address; empty for a redeem")
    idempotency_key: str
    requested_by: str
    tx_hash: str | None
    transfer_id: str | None
    payout_id: str | None
    error_code: str | None
    send_with: str | None = Field(
        description="An approved redeem not yet sent: the command that sends it, run where the "
        "cold Safe's key is"
    )
    created_at: datetime
    updated_at: datetime


class IssuerOperationList(BaseModel):
    data: list[IssuerOperationOut]
    next_before: uuid.UUID | None = Field(description="The next page: `?before=` this id")


class RedeemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Text = Field(pattern=USDC_AMOUNT, max_length=40, description="USDC, whole cents")
    note: Text = Field(min_length=1, max_length=300, description="Why: kept in the audit trail")


class RedeemRequestedOut(BaseModel):
    approval_id: uuid.UUID = Field(
        description="Approve with POST /v1/approvals/{approval_id}/approve (another person)"
    )
    status: str = Field(description="`pending_approval`")


def send_with(operation: IssuerOperationView) -> str | None:
    """How a recorded redeem leaves: nothing in the server holds the cold Safe's key."""
    waiting = operation.kind == "redeem" and operation.status == IssuerOperationStatus.REQUESTED
    if waiting and operation.idempotency_key.startswith(APPROVED_REDEEM_PREFIX):
        return redeem_command(operation.amount, operation.idempotency_key)
    return None


def operation_out(operation: IssuerOperationView) -> IssuerOperationOut:
    return IssuerOperationOut(
        id=operation.id,
        kind=operation.kind,
        status=operation.status,
        amount=str(operation.amount),
        destination=operation.destination,
        idempotency_key=operation.idempotency_key,
        requested_by=operation.requested_by,
        tx_hash=operation.tx_hash,
        transfer_id=operation.transfer_id,
        payout_id=operation.payout_id,
        error_code=operation.error_code,
        send_with=send_with(operation),
        created_at=operation.created_at,
        updated_at=operation.updated_at,
    )


@router.get(
    "/issuer-operations",
    summary="Issuer mints and redeems with their state, newest first",
    description=(
        "Every mint and redeem stored as an issuer operation (approved requests, the CLI's and "
        "the rebalancer's), filtered by kind and status, `limit` a page, `?before=` the last id "
        "of the previous page. A request still waiting for its approval is an approval, not yet "
        "an operation (`GET /v1/approvals`)."
    ),
)
async def issuer_operations(
    principal: Annotated[Principal, require(Permission.TREASURY_READ)],
    session: SessionDep,
    kind: Literal["mint", "redeem"] | None = None,
    status: IssuerOperationStatus | None = None,
    before: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> IssuerOperationList:
    rows = await list_operations(session, kind=kind, status=status, limit=limit, before=before)
    return IssuerOperationList(
        data=[operation_out(r) for r in rows],
        next_before=rows[-1].id if len(rows) == limit else None,
    )


@router.post(
    "/redeems",
    status_code=202,
    summary="Ask to redeem USDC with the issuer into fiat to our bank (four-eyes)",
    description=(
        "The request waits for a second person's approval; approved, it is stored as an issuer "
        "redeem (`requested`). Its USDC leaves the cold Safe, whose key no server process holds: "
        "the operation's `send_with` names the command (`onramp issuer redeem --amount --key`) "
        "that sends it and has the fiat wired (docs/issuer.md)."
    ),
    responses={422: {"description": "issuer_amount_not_whole_cents"}},
)
async def request_redeem(
    body: RedeemIn,
    principal: Annotated[Principal, require(Permission.TREASURY_MANAGE, person=True)],
    session: SessionDep,
    clock: ClockDep,
    request: Request,
) -> RedeemRequestedOut:
    settings: Settings = request.app.state.settings
    approval = await request_issuer_redeem(
        session,
        staff=principal,
        amount=Money.parse(body.amount, "USDC"),
        issuer=settings.issuer.vendor,
        note=body.note,
        now=clock.now(),
    )
    return RedeemRequestedOut(approval_id=approval.id, status="pending_approval")
