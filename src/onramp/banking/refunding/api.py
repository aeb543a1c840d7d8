"""Staff routes for refunds: the list (by status), the return of an unmatched deposit to
its sender (four-eyes above the threshold), and the settlement by hand of a refund the bank
never answered (four-eyes, ``settlement.py``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth import Permission, Principal, require
from onramp.banking.refund_models import Refund, RefundFile
from onramp.banking.refunding import files, operator_returns, settlement
from onramp.banking.refunding import service as refunds
from onramp.core.db import as_int
from onramp.core.money import Money
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep, SettingsDep
from onramp.fx import FxDesk

router = APIRouter(prefix="/v1/admin", tags=["refunds"])

Reader = Annotated[Principal, require(Permission.REFUNDS_READ)]
Manager = Annotated[Principal, require(Permission.REFUNDS_MANAGE)]


class RefundAdminOut(BaseModel):
    """A refund as staff see it: no creditor details (they stay sealed)."""

    id: uuid.UUID
    deposit_id: uuid.UUID
    order_id: uuid.UUID | None
    amount: str
    currency: str
    reason: str = Field(
        description="order_rejected, unmatched, excess, late_payment, order_expired, "
        "operator_return"
    )
    status: str = Field(description="requested, sent, completed, failed")
    channel: str | None = Field(description="api or pain001_file, once sent")
    attempts: int
    last_error: str | None
    bank_payment_id: str | None
    requested_by: str
    requested_at: datetime
    sent_at: datetime | None
    completed_at: datetime | None
    failed_at: datetime | None


class RefundAdminList(BaseModel):
    data: list[RefundAdminOut]
    next_before: uuid.UUID | None = Field(description="Pass as `before` for the next page")


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(
        min_length=3, max_length=300, description="Why it goes back (kept in the audit log)"
    )


class ReturnOut(BaseModel):
    status: Literal["requested", "pending_approval"]
    refund: RefundAdminOut | None
    approval_id: uuid.UUID | None


def refund_out(row: Refund) -> RefundAdminOut:
    return RefundAdminOut(
        id=row.id,
        deposit_id=row.deposit_id,
        order_id=row.order_id,
        amount=str(Money(as_int(row.amount), row.currency)),
        currency=row.currency,
        reason=row.reason,
        status=row.status,
        channel=row.channel,
        attempts=row.attempts,
        last_error=row.last_error,
        bank_payment_id=row.bank_payment_id,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        sent_at=row.sent_at,
        completed_at=row.completed_at,
        failed_at=row.failed_at,
    )


@router.get("/refunds", summary="Refunds, newest first; filter by status or deposit")
async def list_refunds(
    principal: Reader,
    session: SessionDep,
    status: Literal["requested", "sent", "completed", "failed"] | None = None,
    deposit_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: uuid.UUID | None = None,
) -> RefundAdminList:
    rows = await refunds.list_refunds(
        session, status=status, deposit_id=deposit_id, limit=limit, before=before
    )
    return RefundAdminList(
        data=[refund_out(r) for r in rows],
        next_before=rows[-1].id if len(rows) == limit else None,
    )


@router.post(
    "/deposits/{deposit_id}/return",
    summary="Send an unmatched deposit back to its sender (four-eyes above the threshold)",
    description=(
        "Returns what is left of the deposit, out of suspense, to the account it came from "
        "(reason `operator_return`). Above `ONRAMP_BANKING__RETURN_FOUR_EYES_EUR` (EUR value) "
        "it answers 202 with an approval request that a second person with `refunds:manage` "
        "approves at `/v1/approvals/{id}/approve`."
    ),
    status_code=201,
    responses={
        201: {"model": ReturnOut, "description": "the refund, requested"},
        202: {"model": ReturnOut, "description": "waits for a second person's approval"},
        404: {"description": "deposit_not_found"},
        409: {
            "description": "deposit_not_in_suspense (matched deposits are refunded through "
            "their order), deposit_already_returned, refund_creditor_unknown (the sender's "
            "account was pseudonymised or never given)"
        },
    },
)
async def return_deposit(
    deposit_id: uuid.UUID,
    body: ReturnIn,
    request: Request,
    principal: Manager,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> JSONResponse:
    desk: FxDesk = request.app.state.fx_desk
    outcome = await operator_returns.return_deposit(
        session,
        deposit_id=deposit_id,
        staff=principal,
        note=body.reason,
        eur_value=desk.eur_equivalent,
        four_eyes_eur=settings.banking.return_four_eyes_eur,
        now=clock.now(),
    )
    out = ReturnOut(
        status=outcome.status,
        refund=refund_out(outcome.refund) if outcome.refund else None,
        approval_id=outcome.approval_id,
    )
    return JSONResponse(
        out.model_dump(mode="json"), status_code=202 if outcome.approval_id else 201
    )


class SettleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(
        min_length=3,
        max_length=500,
        description="What the bank confirmed, and how (kept in the audit log and the event)",
    )


class SettleOut(BaseModel):
    approval_id: uuid.UUID = Field(description="Approve at `/v1/approvals/{id}/approve`")
    action: Literal["banking.settle_refund"]
    refund_id: uuid.UUID
    settlement: Literal["confirm_sent", "mark_failed"]
    status: Literal["pending"]
    requested_at: datetime


SETTLE_DESCRIPTION = (
    "For a refund still `requested` after sends the bank never answered "
    "(`refund_unanswered`). `confirm-sent`: the bank confirmed it paid it; once approved "
    "the refund is booked as paid (`refund_paid`) and `completed`. `mark-failed`: the bank "
    "confirmed the money never left; once approved it fails as a refusal fails it "
    "(`refund_reversal` credits the money back where it was taken from; the deposit may be "
    "refunded again). A different staff member with `refunds:manage` approves at "
    "`POST /v1/approvals/{approval_id}/approve`. If the bank answered meanwhile, the "
    "approval is refused with `refund_not_stuck` and changes nothing."
)
SETTLE_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "refund_not_found"},
    409: {
        "description": "refund_not_stuck (not `requested`, or no send tried yet: the "
        "worker is still on it), refund_settlement_pending (a settlement already waits)"
    },
}


async def _ask_settlement(
    refund_id: uuid.UUID,
    chosen: settlement.Settlement,
    body: SettleIn,
    principal: Principal,
    session: AsyncSession,
    now: datetime,
) -> JSONResponse:
    requested = await settlement.request_settlement(
        session,
        refund_id=refund_id,
        settlement=chosen,
        requester=principal,
        reason=body.reason,
        now=now,
    )
    out = SettleOut(
        approval_id=requested.approval_id,
        action="banking.settle_refund",
        refund_id=requested.refund_id,
        settlement=requested.settlement.value,
        status="pending",
        requested_at=requested.requested_at,
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=status.HTTP_202_ACCEPTED)


# Two literal paths, not one ``/{act}``: a parameter there would also take
# ``/refunds/files/{message_id}`` for a POST, and its 405 would advertise POST.
@router.post(
    "/refunds/{refund_id}/confirm-sent",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SettleOut,
    summary="Ask to book a refund the bank never answered as paid (four-eyes)",
    description=SETTLE_DESCRIPTION,
    responses=SETTLE_RESPONSES,
)
async def confirm_refund_sent(
    refund_id: uuid.UUID, body: SettleIn, principal: Manager, session: SessionDep, clock: ClockDep
) -> JSONResponse:
    return await _ask_settlement(
        refund_id, settlement.Settlement.CONFIRM_SENT, body, principal, session, clock.now()
    )


@router.post(
    "/refunds/{refund_id}/mark-failed",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SettleOut,
    summary="Ask to fail a refund the bank never answered and credit the money back (four-eyes)",
    description=SETTLE_DESCRIPTION,
    responses=SETTLE_RESPONSES,
)
async def mark_refund_failed(
    refund_id: uuid.UUID, body: SettleIn, principal: Manager, session: SessionDep, clock: ClockDep
) -> JSONResponse:
    return await _ask_settlement(
        refund_id, settlement.Settlement.MARK_FAILED, body, principal, session, clock.now()
    )


class RefundFileOut(BaseModel):
    id: uuid.UUID
    message_id: str = Field(description="The file's GrpHdr/MsgId (banks deduplicate on it)")
    schema_: str = Field(alias="schema", description="The pain.001 version")
    currency: str
    count: int = Field(description="How many refunds it pays")
    total: str
    created_by: str
    created_at: datetime


class RefundFileList(BaseModel):
    data: list[RefundFileOut]
    next_before: uuid.UUID | None = Field(description="Pass as `before` for the next page")


def refund_file_out(row: RefundFile) -> RefundFileOut:
    return RefundFileOut.model_validate(
        {
            "id": row.id,
            "message_id": row.message_id,
            "schema": row.schema,
            "currency": row.currency,
            "count": row.count,
            "total": str(Money(as_int(row.total), row.currency)),
            "created_by": row.created_by,
            "created_at": row.created_at,
        }
    )


@router.get("/refunds/files", summary="The pain.001 files of refunds, newest first")
async def list_refund_files(
    principal: Reader,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: uuid.UUID | None = None,
) -> RefundFileList:
    rows = await files.refund_files(session, limit=limit, before=before)
    return RefundFileList(
        data=[refund_file_out(r) for r in rows],
        next_before=rows[-1].id if len(rows) == limit else None,
    )


@router.get(
    "/refunds/files/{message_id}",
    summary="Download a pain.001 file of refunds (its XML, as it was sent)",
    response_class=Response,
    responses={
        200: {"content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}}},
        404: {"description": "refund_file_not_found"},
    },
)
async def download_refund_file(
    message_id: Annotated[Text, Path(max_length=35)], principal: Reader, session: SessionDep
) -> Response:
    stored = await files.refund_file(session, message_id=message_id)
    return Response(
        stored.xml.encode("utf-8"),
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{stored.message_id}.xml"'},
    )
