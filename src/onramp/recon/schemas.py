"""The breaks queue's API shapes: every input bounded (tests/unit/api/test_request_bounds.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from onramp.core.request_fields import MultilineText, Text
from onramp.recon.models import ReconBreak, ReconBreakComment, ReconRun


class RunOut(BaseModel):
    id: uuid.UUID
    date: date
    started_at: datetime
    matched: dict[str, Any] = Field(
        description='Per source: `bank`, `bank_debits` (`{"lines": n, "amounts": {"EUR": minor '
        'units}}`), `bank_balances` (`{"balances": n}`), `bank_openings` (`{"openings": n}`: '
        'statements that open where the previous closed), `chain`, and `obligations` (`{"agree": '
        'n, "by_account_class": {"customer:USDC": {"books", "tables", "accounts_off", '
        '"payouts_queued", "payouts_in_flight"}}}`: what the books owe customers against '
        "deposits, orders and refunds; docs/reconciliation.md)"
    )
    open_breaks: int
    requested_by: str


class RunList(BaseModel):
    data: list[RunOut]
    next_before: uuid.UUID | None = Field(description="Pass as `before` for the next page")


class BreakOut(BaseModel):
    id: uuid.UUID
    date: date
    type: str = Field(
        description="`missing_in_ledger`, `missing_at_bank`, `missing_on_chain`, "
        "`amount_mismatch`, `duplicate`, `timing`, `balance_mismatch`, `opening_mismatch`, "
        "`bank_fee_unbooked`, `obligation_mismatch` (docs/reconciliation.md)"
    )
    source: str = Field(description="`bank`, `ledger` or `chain`: the side that has it")
    bank: str | None
    amount: int = Field(description="Minor units of `currency` (for a mismatch: the difference)")
    currency: str
    reference: str
    detail: str
    state: str = Field(description="`open`, `cleared` (later data explained it), `resolved`")
    assignee_id: uuid.UUID | None
    resolved_by: str | None
    resolved_at: datetime | None
    resolution: str | None
    approval_id: uuid.UUID | None = Field(
        description="The four-eyes request of a resolution with an adjusting entry"
    )
    approved_by: str | None
    adjusting_entry_id: uuid.UUID | None
    created_at: datetime
    cleared_at: datetime | None


class BreakList(BaseModel):
    data: list[BreakOut]
    next_before: uuid.UUID | None = Field(description="Pass as `before` for the next page")


class CommentOut(BaseModel):
    id: uuid.UUID
    author_id: uuid.UUID
    body: str
    created_at: datetime


class BreakDetail(BreakOut):
    comments: list[CommentOut]


class BreakAssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee_id: uuid.UUID | None = Field(
        description="A treasurer or admin (`recon:resolve`); null to unassign"
    )


class BreakCommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: MultilineText = Field(min_length=1, max_length=2000)


class AdjustmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: Text = Field(
        min_length=1, max_length=120, description="A ledger account code, e.g. `suspense:EUR`"
    )
    amount: Text = Field(min_length=1, max_length=40, description='A decimal string, "12.34"')
    currency: Text = Field(pattern="^[A-Z]{3,4}$", max_length=4)
    side: Literal["debit", "credit"] = Field(
        description="What `account` gets; the break's bank account takes the other side"
    )


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=1, max_length=500, description="Why: kept in the audit trail")
    adjustment: AdjustmentIn | None = Field(
        default=None,
        description="An adjusting ledger entry to post: needs a second person's approval",
    )


class PendingResolutionOut(BaseModel):
    status: Literal["pending_approval"]
    approval_id: uuid.UUID


def run_out(r: ReconRun) -> RunOut:
    return RunOut(
        id=r.id,
        date=r.run_date,
        started_at=r.started_at,
        matched=r.matched,
        open_breaks=r.open_breaks,
        requested_by=r.requested_by,
    )


def break_out(b: ReconBreak) -> BreakOut:
    return BreakOut(
        id=b.id, date=b.run_date, type=b.type, source=b.source, bank=b.bank,
        amount=int(b.amount), currency=b.currency, reference=b.reference, detail=b.detail,
        state=b.state, assignee_id=b.assignee_id, resolved_by=b.resolved_by,
        resolved_at=b.resolved_at, resolution=b.resolution, approval_id=b.approval_id,
        approved_by=b.approved_by, adjusting_entry_id=b.adjusting_entry_id,
        created_at=b.created_at, cleared_at=b.cleared_at,
    )  # fmt: skip


def comment_out(c: ReconBreakComment) -> CommentOut:
    return CommentOut(id=c.id, author_id=c.author_id, body=c.body, created_at=c.created_at)
