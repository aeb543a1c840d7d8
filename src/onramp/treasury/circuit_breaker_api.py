"""``/v1/admin/treasury/circuit-breaker``: the payouts' circuit breaker, for treasury staff."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from onramp.auth import Permission, Principal, require
from onramp.core.request_fields import Text
from onramp.core.web import ClockDep, SessionDep
from onramp.treasury import circuit_breaker
from onramp.treasury.risk_models import CircuitBreaker

router = APIRouter(prefix="/v1/admin/treasury/circuit-breaker", tags=["treasury risk (staff)"])

Reader = Annotated[Principal, require(Permission.TREASURY_RISK_READ)]
Manager = Annotated[Principal, require(Permission.TREASURY_RISK_MANAGE, person=True)]


class BreakerOut(BaseModel):
    state: Literal["closed", "open", "resuming"] = Field(
        description="`closed`: payouts flow. `open`: nothing is signed and the vault is paused "
        "on-chain. `resuming`: a resume was approved; the risk worker is unpausing the vault, "
        "payouts still wait."
    )
    reason: str | None = Field(description="Why it opened (kept while it is open)")
    trigger: str | None = Field(
        description="failure_spike, reconciliation_break, peg_deviation, manual, or vault_paused "
        "(the breaker's own pause found in force under a closed breaker)"
    )
    opened_by: str | None = Field(description="`system:treasury`, or `user:<id>` for a manual trip")
    opened_at: datetime | None
    evidence: dict[str, Any] = Field(description="What the trigger saw (counts, balances, events)")
    vault_paused: bool = Field(
        description="The breaker's own pause is in force on-chain (its stored pause transaction "
        "was mined)"
    )
    vault_paused_elsewhere: bool = Field(
        description="The vault is paused by someone else (the admin Safe): payouts wait, and the "
        "breaker neither claims nor undoes that pause; a resuming breaker closes only once the "
        "vault is unpaused"
    )
    resume_approval_id: uuid.UUID | None
    resumed_by: str | None
    closed_at: datetime | None = Field(description="Closed since (triggers look at what follows)")


class TripIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=3, max_length=300, description="Why: kept in the audit log")


class ResumeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(
        min_length=3, max_length=500, description="What was checked and found safe (audited)"
    )


class ApproveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text | None = Field(default=None, max_length=500)


class ResumeRequestedOut(BaseModel):
    approval_id: uuid.UUID = Field(description="A different staff member approves this id")
    state: Literal["open"]


def breaker_out(row: CircuitBreaker) -> BreakerOut:
    return BreakerOut.model_validate(
        {
            "state": row.state,
            "reason": row.reason,
            "trigger": row.trigger,
            "opened_by": row.opened_by,
            "opened_at": row.opened_at,
            "evidence": row.evidence or {},
            "vault_paused": row.vault_paused,
            "vault_paused_elsewhere": row.vault_paused_elsewhere,
            "resume_approval_id": row.resume_approval_id,
            "resumed_by": row.resumed_by,
            "closed_at": row.closed_at,
        }
    )


@router.get("", summary="The payouts' circuit breaker: state, reason and evidence")
async def get_breaker(principal: Reader, session: SessionDep) -> BreakerOut:
    return breaker_out(await circuit_breaker.current_state(session))


@router.post(
    "/trip",
    summary="Stop every payout now (manual trip)",
    description=(
        "Opens the breaker: the payout sender signs nothing more, and the risk worker pauses "
        "the vault on-chain with the guardian key. Already open: the first reason stands and "
        "this trip is only recorded in the audit log."
    ),
)
async def trip_breaker(
    body: TripIn, principal: Manager, session: SessionDep, clock: ClockDep
) -> BreakerOut:
    row = await circuit_breaker.trip(
        session,
        body.reason,
        {"requested_by": str(principal.user_id)},
        trigger="manual",
        actor=f"user:{principal.user_id}",
        now=clock.now(),
    )
    return breaker_out(row)


@router.post(
    "/resume",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Ask to resume payouts (four-eyes: someone else approves)",
    responses={409: {"description": "circuit_breaker_not_open"}},
)
async def request_resume(
    body: ResumeIn, principal: Manager, session: SessionDep, clock: ClockDep
) -> ResumeRequestedOut:
    approval_id = await circuit_breaker.request_resume(
        session, requester=principal, reason=body.reason, now=clock.now()
    )
    return ResumeRequestedOut(approval_id=approval_id, state="open")


@router.post(
    "/resume/{request_id}/approve",
    summary="Approve someone else's resume request",
    description=(
        "The breaker goes to `resuming`; the risk worker unpauses the vault and closes it, and "
        "payouts continue."
    ),
    responses={
        403: {"description": "four_eyes_violation (your own request), permission_denied"},
        404: {"description": "approval_not_found"},
        409: {
            "description": "approval_already_decided, circuit_breaker_not_open, "
            "circuit_breaker_resume_outdated (it tripped again after the request)"
        },
    },
)
async def approve_resume(
    request_id: uuid.UUID,
    body: ApproveIn,
    principal: Manager,
    session: SessionDep,
    clock: ClockDep,
) -> BreakerOut:
    row = await circuit_breaker.approve_resume(
        session, request_id=request_id, approver=principal, reason=body.reason, now=clock.now()
    )
    return breaker_out(row)
