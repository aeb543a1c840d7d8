"""What ``/v1/admin/customers`` answers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from onramp.core.request_fields import Text
from onramp.identity import SessionOut
from onramp.kyc import KycCaseOut, KycDecisionOut, KycStatusOut
from onramp.orders import AdminOrderSummary, LimitsOut

MatchedBy = Literal["id", "email", "iban", "wallet", "name"]


class FreezeOut(BaseModel):
    frozen_at: datetime
    reason: str | None
    frozen_by: uuid.UUID | None


class CustomerSummary(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    created_at: datetime
    email_verified: bool
    deactivated: bool
    erased: bool
    frozen: FreezeOut | None = Field(description="Set while the account is on hold")


class CustomerPage(BaseModel):
    matched_by: MatchedBy = Field(description="How `q` was read")
    data: list[CustomerSummary]
    next_before: uuid.UUID | None = Field(
        description="Pass as `before` (with the same `q`) for the next page; none: last page"
    )


class CaseSummary(BaseModel):
    id: uuid.UUID
    status: str
    severity: str
    decision: str | None
    opened_at: datetime
    closed_at: datetime | None


class HoldEvent(BaseModel):
    at: datetime
    action: Literal["customer.frozen", "customer.unfrozen"]
    actor: str
    reason: str | None


class CustomerFile(BaseModel):
    customer: CustomerSummary
    mfa_enabled: bool
    kyc: KycStatusOut
    kyc_history: list[KycCaseOut] = Field(description="Every KYC case, newest first")
    kyc_decisions: list[KycDecisionOut] = Field(
        default_factory=list,
        description="Every submission, vendor verdict, hold and decision on those cases, "
        "newest first",
    )
    limits: LimitsOut
    orders: list[AdminOrderSummary] = Field(
        description="The latest orders, newest first (more: GET /v1/admin/orders?customer_id=)"
    )
    cases: list[CaseSummary] = Field(description="Compliance cases about the customer")
    sessions: list[SessionOut] = Field(description="Logins, newest first")
    holds: list[HoldEvent] = Field(description="Every freeze and unfreeze, oldest first")


class HoldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(
        min_length=3, max_length=500, description="Why (kept on the account and in the audit log)"
    )


def hold_event(record: dict[str, Any]) -> HoldEvent:
    return HoldEvent(
        at=datetime.fromisoformat(record["at"]),
        action=record["action"],
        actor=record["actor"],
        reason=record["data"].get("reason"),
    )
