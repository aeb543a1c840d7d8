"""What is asked right before a payout batch is signed: the destinations re-checked against
the latest lists (the compliance side) and the treasury's gate (risk limits, circuit breaker).
Both plug in here, so chain depends on nothing but core."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession


class DestinationCheck(Protocol):
    """Re-checks payout destinations right before signing (the compliance side plugs in here:
    chain depends on nothing but core). Returns the order ids that must not be paid. Raising
    stops the batch: nothing is signed, and the sender tries again."""

    async def __call__(
        self, destinations: Sequence[tuple[uuid.UUID, str]]
    ) -> Mapping[uuid.UUID, tuple[str, Mapping[str, Any]]]: ...

    async def waiting(self) -> str | None:
        """Why no destination can be checked now (in production: no sanctions list loaded, or
        the newest too old), or None. While it says why, nothing is signed: the payouts wait,
        never fail, and the sender announces it as it does a paused vault."""
        ...


@dataclass(frozen=True)
class GateItem:
    order_id: uuid.UUID
    to: str
    amount: int  # USDC base units
    released: bool  # a person released this payout after an earlier hold
    customer_id: uuid.UUID | None = None  # whose order (None: never limited per customer)


@dataclass(frozen=True)
class GateVerdict:
    """What the treasury's gate decided about a batch about to be signed: ``paused`` (a reason)
    signs nothing at all; ``held`` payouts are set aside for a person; ``deferred`` ones stay
    queued for a later batch; the rest go on."""

    paused: str | None = None
    held: Mapping[uuid.UUID, tuple[str, Mapping[str, Any]]] = field(default_factory=dict)
    deferred: frozenset[uuid.UUID] = frozenset()


class PayoutGate(Protocol):
    """The treasury's risk limits and circuit breaker, asked right before signing (chain depends
    on nothing but core: the treasury plugs in here). It runs in the sender's transaction, so
    what it records about the payouts it lets through commits with their signing. Raising stops
    the batch: nothing is signed."""

    async def __call__(self, session: AsyncSession, items: Sequence[GateItem]) -> GateVerdict: ...
