from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, MinorUnits


class WalletKind(StrEnum):
    VAULT = "vault"  # the TreasuryVault: pays customers, capped on-chain
    SAFE = "safe"  # a Safe multisig held by treasurers (warm, cold)
    KEY = "key"  # an account whose key is in the HSM (payout key, gas wallet)


class WalletTier(StrEnum):
    HOT = "hot"
    WARM = "warm"
    COLD = "cold"


class TreasuryWallet(Base):
    """A wallet the operator holds, with its liquidity policy (USDC base units; none: no
    policy). Gas figures are wei, for the accounts that pay for transactions."""

    __tablename__ = "treasury_wallets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    tier: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(42), unique=True)
    min_usdc: Mapped[int | None] = mapped_column(MinorUnits)
    target_usdc: Mapped[int | None] = mapped_column(MinorUnits)
    max_usdc: Mapped[int | None] = mapped_column(MinorUnits)
    min_gas_wei: Mapped[int | None] = mapped_column(MinorUnits)
    target_gas_wei: Mapped[int | None] = mapped_column(MinorUnits)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ProposalKind(StrEnum):
    REFILL = "refill"  # a Safe sends USDC to the vault
    SWEEP = "sweep"  # the cold Safe (the vault's admin) sweeps the vault's excess to itself
    # The cold Safe (the vault's admin) rotates the payout key: grant the role to the new key,
    # then revoke it from the old one.
    GRANT_PAYOUT_ROLE = "grant_payout_role"
    REVOKE_PAYOUT_ROLE = "revoke_payout_role"


ROLE_KINDS = (ProposalKind.GRANT_PAYOUT_ROLE.value, ProposalKind.REVOKE_PAYOUT_ROLE.value)


class ProposalStatus(StrEnum):
    AWAITING_SIGNATURES = "awaiting_signatures"
    READY = "ready"  # the threshold of owner signatures and four-eyes are met
    EXECUTING = "executing"  # the execTransaction is signed, stored and sent
    EXECUTED = "executed"
    FAILED = "failed"
    CANCELLED = "cancelled"


OPEN_PROPOSAL = ("awaiting_signatures", "ready", "executing")


class RebalancingProposal(Base):
    """A Safe transaction that moves treasury USDC, waiting for the treasurers' signatures.

    One open proposal per Safe at a time: each is bound to the Safe's next nonce, so a second
    would be unexecutable the moment the first ran."""

    __tablename__ = "rebalancing_proposals"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(40))  # wallet names
    destination: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(MinorUnits)
    reason: Mapped[str] = mapped_column(String(300))
    proposed_by: Mapped[str] = mapped_column(String(80))  # "system:liquidity" or "user:<id>"
    status: Mapped[str] = mapped_column(String(30))
    chain_id: Mapped[int] = mapped_column(BigInteger)
    safe_address: Mapped[str] = mapped_column(String(42))
    safe_nonce: Mapped[int] = mapped_column(BigInteger)
    tx_to: Mapped[str] = mapped_column(String(42))
    tx_data: Mapped[bytes] = mapped_column(LargeBinary)
    safe_tx_hash: Mapped[bytes] = mapped_column(LargeBinary)
    threshold: Mapped[int] = mapped_column(Integer)
    exec_sender: Mapped[str | None] = mapped_column(String(42))
    exec_tx_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    exec_raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    failure: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    executed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A treasurer cancelled it while executing: the worker replaces the stored execution with a
    # transfer of nothing (same nonce, higher fees); whichever is mined decides.
    cancel_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index(
            "uq_rebalancing_proposals_open_per_safe",
            "safe_address",
            unique=True,
            postgresql_where=text("status IN ('awaiting_signatures', 'ready', 'executing')"),
        ),
    )


class ProposalSignature(Base):
    """One Safe owner's EIP-712 signature on a proposal, and the staff member who gave it."""

    __tablename__ = "rebalancing_signatures"

    proposal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("rebalancing_proposals.id"), primary_key=True
    )
    owner: Mapped[str] = mapped_column(String(42), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column()
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("proposal_id", "user_id", name="uq_rebalancing_signatures_user"),
    )


class TreasurySigner(Base):
    """Which Safe owner key a staff member signs with: bound at their first signature, so one
    person cannot count twice with two keys, nor two people share one key."""

    __tablename__ = "treasury_signers"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(42), unique=True)
    bound_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
