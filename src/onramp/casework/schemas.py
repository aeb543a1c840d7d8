"""What officers send and see on the case routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from onramp.core.request_fields import MultilineText, Text


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseOut(BaseModel):
    id: uuid.UUID
    customer_id: uuid.UUID
    status: str
    severity: str
    assignee_id: uuid.UUID | None
    decision: str | None
    decision_reason: str | None
    decided_by: str | None
    decision_data: dict[str, Any] | None
    pending_approval_id: uuid.UUID | None
    opened_at: datetime
    closed_at: datetime | None


class CaseList(BaseModel):
    data: list[CaseOut]
    next_cursor: str | None


class CaseAlertOut(BaseModel):
    id: uuid.UUID
    source: str
    kind: str
    severity: str
    action: str
    reason: str
    evidence: dict[str, Any]
    subject_type: str
    subject_id: str
    order_id: uuid.UUID | None
    created_at: datetime


class CommentOut(BaseModel):
    id: uuid.UUID
    author_id: uuid.UUID
    body: str
    created_at: datetime


class AttachmentOut(BaseModel):
    id: uuid.UUID
    uploaded_by: uuid.UUID
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    created_at: datetime


class HeldOrderOut(BaseModel):
    id: uuid.UUID
    state: str
    source_amount: str
    source_currency: str
    destination_address: str
    created_at: datetime


class CaseDetail(CaseOut):
    alerts: list[CaseAlertOut]
    orders: list[HeldOrderOut] = Field(description="the orders the case's holding alerts stopped")
    comments: list[CommentOut]
    attachments: list[AttachmentOut]


class CaseAssignIn(_In):
    assignee_id: uuid.UUID | Literal["me"] | None = Field(
        description='an officer\'s user id, "me" (self-assign) or null (back to the queue)'
    )


class CaseCommentIn(_In):
    body: MultilineText = Field(min_length=1, max_length=10_000)


class DecisionIn(_In):
    decision: Literal["release", "reject_refund", "file_sar"]
    reason: Text = Field(min_length=3, max_length=2_000)
    sar_orders: Literal["block", "reject_refund"] = Field(
        default="block",
        description="file_sar only: keep the held orders blocked, or reject them for a refund",
    )


class DecisionOut(BaseModel):
    status: Literal["decided", "pending_approval"]
    approval_id: uuid.UUID | None
    orders: list[uuid.UUID]
    case: CaseOut
