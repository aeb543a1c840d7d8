"""What staff read about customers' orders (``/v1/admin/orders``): the customer's view plus
whose order it is, the full reasons of every step and why a payout failed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from onramp.core.request_fields import Text
from onramp.orders.schemas import OrderOut, PayoutOut


class AdminPayoutOut(PayoutOut):
    failure: str | None = Field(
        description="Why the last attempt failed, was held or was cancelled (the vault's revert, "
        "the screening hit, the refund that replaced it)"
    )


class PostingOut(BaseModel):
    account: str
    amount: str = Field(description="Debit positive, credit negative, in the currency's units")
    currency: str


class LedgerEntryOut(BaseModel):
    kind: str = Field(description="deposit, conversion, conversion_reversal, payout, ...")
    reference: str = Field(description="The order's id, or its deposit's")
    at: datetime
    postings: list[PostingOut]


class OrderScreeningOut(BaseModel):
    point: str = Field(description="Where the order was screened: funding, payout, rescreen ...")
    kind: str
    decision: str = Field(description="hit, clear or not_screened")
    score: float
    reason: str
    at: datetime


class EventOut(BaseModel):
    """One audit record about the order (each transition, each staff act on it)."""

    action: str
    actor: str
    at: datetime


class PendingActionOut(BaseModel):
    approval_id: uuid.UUID
    action: str = Field(description="orders.retry_payout or orders.refund_failed")
    requested_by: uuid.UUID
    requested_at: datetime
    reason: str | None


class AdminOrderOut(OrderOut):
    customer_id: uuid.UUID
    creditor_reference: str = Field(description="The reference as stored (no spaces)")
    deposit_id: uuid.UUID | None = Field(description="The deposit that funded the order")
    payout: AdminPayoutOut | None  # the staff view adds the failure
    ledger: list[LedgerEntryOut] = Field(
        description="The journal entries of the order and of its deposit, oldest first"
    )
    screenings: list[OrderScreeningOut] = Field(
        description="Every screen of the order, newest first"
    )
    events: list[EventOut] = Field(description="The audit records about the order, oldest first")
    pending_action: PendingActionOut | None = Field(
        description="A retry or refund waiting for a second person's approval"
    )


class AdminOrderSummary(BaseModel):
    """One search result (the whole order, with history and payout: ``GET .../{id}``)."""

    id: uuid.UUID
    customer_id: uuid.UUID
    state: str
    origin: str
    source_currency: str
    source_amount: str
    target_currency: str
    target_amount: str | None
    destination_address: str
    creditor_reference: str
    created_at: datetime
    updated_at: datetime


class AdminOrderPage(BaseModel):
    data: list[AdminOrderSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` (with the same filters) for the next page; none: last page"
    )


class OperatorActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(
        min_length=3,
        max_length=500,
        description="What was checked and why this is the way out (kept in the audit log)",
    )


class OperatorActionOut(BaseModel):
    approval_id: uuid.UUID = Field(
        description="A different staff member with orders:operate approves it: "
        "POST /v1/approvals/{approval_id}/approve"
    )
    action: Literal["orders.retry_payout", "orders.refund_failed"]
    order_id: uuid.UUID
    status: Literal["pending"]
    requested_at: datetime
