"""The wallets' tables: the customer's address book and the proofs of ownership."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base


class DestinationWallet(Base):
    """An external address a customer may have USDC sent to (an address book entry). Orders
    pay only the customer's own custodial wallet or one of these; adding one needs a fresh
    second factor, so a stolen password alone cannot redirect payouts."""

    __tablename__ = "destination_wallets"
    __table_args__ = (
        Index(
            "uq_destination_wallets_active",
            "customer_id",
            "address",
            unique=True,
            postgresql_where=text("removed_at IS NULL"),
        ),
        CheckConstraint("custody IN ('self_hosted', 'hosted')", name="custody"),
        CheckConstraint(
            "(ownership_proven_at IS NULL) = (ownership_method IS NULL)", name="ownership_proof"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    label: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(42))  # EIP-55 checksummed
    # Travel rule: who holds the keys. ``self_hosted`` (the customer's own keys) must prove
    # ownership before a payout at or above the threshold; ``hosted`` is an account at another
    # service provider (``vasp_name``), as the customer declared it.
    custody: Mapped[str] = mapped_column(
        String(20), default="self_hosted", server_default="self_hosted"
    )
    vasp_name: Mapped[str | None] = mapped_column(String(200))
    # Set once the customer signed an ownership challenge with the address's key.
    ownership_proven_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ownership_method: Mapped[str | None] = mapped_column(String(30))
    ownership_challenge_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when a list update named this address: new orders may no longer pay it.
    blocked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    blocked_reason: Mapped[str | None] = mapped_column(String(300))


class WalletOwnershipChallenge(Base):
    """A message the customer is asked to sign with a saved wallet's key (EIP-191
    ``personal_sign``): single use, short-lived. Kept after use as the evidence of the proof
    (message and signature), which a regulator may ask for. The message names the address, the
    wallet and a random nonce, no personal data."""

    __tablename__ = "wallet_ownership_challenges"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    wallet_id: Mapped[uuid.UUID] = mapped_column(index=True)
    customer_id: Mapped[uuid.UUID]
    address: Mapped[str] = mapped_column(String(42))
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    message: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signature: Mapped[str | None] = mapped_column(String(200))
