"""``/v1/admin/deposits``: the suspense work queue, for treasury and operations staff, and the
statement files imported (read-only)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from onramp.auth import Permission, Principal, require
from onramp.banking.statements.listing import imported_files
from onramp.banking.suspense_queue import service as suspense
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep

router = APIRouter(prefix="/v1/admin/deposits", tags=["deposits (staff)"])


class SuspenseItemOut(BaseModel):
    id: uuid.UUID
    amount: str
    currency: str
    reason: str | None = Field(
        description="Why no rule matched it: `unknown_reference`, `underpayment`, "
        "`overpayment`, `late_payment`, `currency_mismatch`, `reference_already_used`, "
        "`standing_reference_revoked`, `amount_not_positive`"
    )
    reference_text: str = Field(description="The remittance information as the sender wrote it")
    sender_name: str | None
    sender_account: str | None
    suggested_order_id: uuid.UUID | None = Field(
        description="The order the money was most likely meant for, when one is known"
    )
    booked_at: datetime
    received_at: datetime


class SuspenseList(BaseModel):
    data: list[SuspenseItemOut]
    next_after: uuid.UUID | None = Field(description="Pass as `after` for the next page")


class SuspenseAssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_id: uuid.UUID = Field(description="An order still waiting for its money")
    note: Text = Field(min_length=1, max_length=500, description="Why: kept in the audit trail")


class AssignedOut(BaseModel):
    id: uuid.UUID
    status: str
    order_id: uuid.UUID | None
    resolved_by: str | None
    resolved_at: datetime | None


@router.get(
    "/suspense",
    summary="Deposits in suspense, oldest first",
    description="Every credit no rule could tie to an order: the operators' work queue.",
)
async def list_suspense(
    principal: Annotated[Principal, require(Permission.DEPOSITS_READ)],
    session: SessionDep,
    currency: Annotated[Text | None, Query(pattern="^[A-Z]{3,4}$", max_length=4)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    after: uuid.UUID | None = None,
) -> SuspenseList:
    rows = await suspense.unmatched(session, currency=currency, limit=limit, before=after)
    return SuspenseList(
        data=[SuspenseItemOut(**suspense.queue_item(d)) for d in rows],
        next_after=rows[-1].id if len(rows) == limit else None,
    )


@router.post(
    "/{deposit_id}/assign",
    summary="Fund an order with a deposit from suspense",
    description=(
        "The money moves from `suspense:<ccy>` to the customer's account and funds the order, "
        "which is priced at the rate of the moment of assignment and goes through screening "
        "like any other."
    ),
    responses={
        404: {"description": "deposit_not_found"},
        409: {
            "description": "deposit_not_in_suspense, order_not_awaiting_funds, "
            "assignment_currency_mismatch"
        },
    },
)
async def assign(
    deposit_id: uuid.UUID,
    body: SuspenseAssignIn,
    principal: Annotated[Principal, require(Permission.DEPOSITS_RESOLVE)],
    session: SessionDep,
    clock: ClockDep,
) -> AssignedOut:
    deposit = await suspense.assign_to_order(
        session,
        deposit_id=deposit_id,
        order_id=body.order_id,
        actor=f"user:{principal.user_id}",
        note=body.note,
        now=clock.now(),
    )
    return AssignedOut(
        id=deposit.id,
        status=deposit.status,
        order_id=deposit.order_id,
        resolved_by=deposit.resolved_by,
        resolved_at=deposit.resolved_at,
    )


class BankFileOut(BaseModel):
    id: uuid.UUID
    bank: str
    filename: str
    format: str = Field(description="`camt.053` (end of day) or `camt.054` (notification)")
    message_id: str | None = Field(description="The file's GrpHdr/MsgId")
    source: str = Field(description="`cli` (onramp bank import) or `drop_folder`")
    counts: dict[str, int] = Field(description="What the import did: deposits, reversals ...")
    sha256: str
    imported_at: datetime


class BankFileList(BaseModel):
    data: list[BankFileOut]
    next_before: uuid.UUID | None = Field(description="Pass as `before` for the next page")


@router.get(
    "/files",
    summary="Imported bank statement files, newest first",
    description="Every camt.053/054 file imported (CLI or drop folder), once per content, with "
    "what its import did. Read-only: files are imported with `onramp bank import` or the drop "
    "folder.",
)
async def list_bank_files(
    principal: Annotated[Principal, require(Permission.DEPOSITS_READ)],
    session: SessionDep,
    bank: Annotated[Text | None, Query(max_length=50)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: uuid.UUID | None = None,
) -> BankFileList:
    rows = await imported_files(session, bank=bank, limit=limit, before=before)
    return BankFileList(
        data=[BankFileOut.model_validate(f, from_attributes=True) for f in rows],
        next_before=rows[-1].id if len(rows) == limit else None,
    )
