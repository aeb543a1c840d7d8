"""The travel-rule record of a transfer at or above the threshold: who sends (originator) and
who receives (beneficiary), kept for the authorities.

Names and postal addresses are personal data and stored sealed (JSON, bound to the row id);
the plain columns hold what the officers' queue and the screening need: amounts, the
destination address (already plain on the order), how the wallet is held and whether its
ownership was proven. One record per order, written once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, DateTime, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base, MinorUnits
from onramp.core.keys import optional_sealed_str

WALLET_CUSTODY = ("custodial", "self_hosted", "hosted")


class TravelRuleRecord(Base):
    __tablename__ = "travel_rule_records"
    __table_args__ = (
        CheckConstraint(
            "beneficiary_custody IN ('custodial', 'self_hosted', 'hosted')",
            name="beneficiary_custody",
        ),
        CheckConstraint("usd_equivalent >= threshold_usd", name="at_or_above_threshold"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    amount_currency: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(MinorUnits)
    usd_equivalent: Mapped[Decimal] = mapped_column(Numeric(38, 2))
    threshold_usd: Mapped[Decimal] = mapped_column(Numeric(38, 2))
    beneficiary_address: Mapped[str] = mapped_column(String(42))
    beneficiary_custody: Mapped[str] = mapped_column(String(20))
    wallet_id: Mapped[uuid.UUID | None]
    ownership_proven_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ownership_method: Mapped[str | None] = mapped_column(String(30))
    # The approved KYC case the originator's identity comes from; none: not verified yet.
    kyc_case_id: Mapped[uuid.UUID | None]
    originator_verified: Mapped[bool] = mapped_column(Boolean)
    # Sealed JSON: the parties' names, postal address, account ids and the beneficiary's VASP.
    # Optional only so the retention purge can drop them once the retention period is over.
    originator = optional_sealed_str()
    beneficiary = optional_sealed_str()
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
