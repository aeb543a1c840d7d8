"""Treasury risk tables: what the payout gate let through (the limits' memory) and the circuit
breaker's one row."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, MinorUnits


class BreakerState(StrEnum):
    CLOSED = "closed"  # payouts flow
    OPEN = "open"  # tripped: nothing is signed, the vault is paused
    # Four-eyes resume approved: the risk worker unpauses the vault, then closes the breaker.
    # Payouts still wait, so none is signed against a paused vault (it would fail).
    RESUMING = "resuming"


class PayoutAllowance(Base):
    """A payout the gate let through to signing, with what it counts against: one row per
    order, written in the sender's signing transaction. A payout that later fails still counts
    for its 24 h (conservative: the limits bound what the hot key was allowed to attempt)."""

    __tablename__ = "treasury_payout_allowances"

    order_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    customer_id: Mapped[uuid.UUID | None]
    amount: Mapped[int] = mapped_column(MinorUnits)  # USDC base units
    allowed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_treasury_payout_allowances_at", "allowed_at"),
        Index("ix_treasury_payout_allowances_customer", "customer_id", "allowed_at"),
    )


class CircuitBreaker(Base):
    """The payouts' circuit breaker: one row (id 1). Its history is the audit log."""

    __tablename__ = "treasury_circuit_breaker"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(300))
    # What tripped it: failure_spike, reconciliation_break, peg_deviation, manual
    trigger: Mapped[str | None] = mapped_column(String(50))
    opened_by: Mapped[str | None] = mapped_column(String(200))  # system:treasury or user:<id>
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # The breaker paused the vault on-chain (and so unpauses it on resume; a pause made by the
    # admin Safe for its own reasons is never undone here).
    vault_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    # The guardian's last pause() and unpause(), stored before they were sent: the breaker's own
    # pause is the one the chain mined for pause_tx_id (or a fee-bumped copy at its nonce) and
    # no unpause_tx_id undid since, whatever happened in between.
    pause_tx_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("chain_transactions.id"))
    unpause_tx_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("chain_transactions.id"))
    # The vault is paused, not by the breaker (the admin Safe): payouts wait; the breaker never
    # closes on it and never undoes it.
    vault_paused_elsewhere: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    resume_approval_id: Mapped[uuid.UUID | None]
    resumed_by: Mapped[str | None] = mapped_column(String(200))
    # Closed since: a trigger looks at what happened after this (old events do not re-trip).
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("state IN ('closed', 'open', 'resuming')", name="state_known"),
    )
