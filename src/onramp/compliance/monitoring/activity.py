"""What the monitoring rules look at: one customer's money movements, in one reference currency.

The caller (the deposits and orders workers) converts amounts (``FxDesk``) and reads the history;
the rules themselves are pure, so every decision can be replayed from its evidence.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class ActivityKind(StrEnum):
    DEPOSIT = "deposit"
    ORDER = "order"


@dataclass(frozen=True)
class Activity:
    id: uuid.UUID
    kind: ActivityKind
    at: datetime
    amount_usd: Decimal  # USD-equivalent at the time (the rules' reference currency)
    sender_name: str | None = None  # deposits: as the bank reported it
    sender_country: str | None = None  # deposits: the sender IBAN's country
    destination: str | None = None  # orders: the payout address


@dataclass(frozen=True)
class CustomerProfile:
    customer_id: uuid.UUID
    registered_at: datetime
    name: str | None = None  # the verified (KYC) name when there is one
    countries: frozenset[str] = field(default_factory=frozenset)  # residence, nationality
