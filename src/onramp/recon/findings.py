"""A break as a matcher finds it, before it is stored: what kind, on which side, for which
booking, and by how much."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from onramp.recon.models import BreakSource, BreakType


@dataclass(frozen=True)
class Finding:
    type: BreakType
    source: BreakSource
    bank: str  # the bank (or, for the chain, the wallet) whose line or posting it is
    reference: str  # the bank's booking key, or the deposit's id for a posting
    amount: int  # minor units: the line's, or the difference for a mismatch
    currency: str
    detail: str

    @property
    def key(self) -> str:
        """The same break found by another run has the same key."""
        return f"{self.type}:{self.source}:{self.bank}:{self.reference}"[:300]


@dataclass(frozen=True)
class Booking:
    """One booking of a payment, by the keys that tell two bookings of one payment apart."""

    bank: str
    entry_key: str
    end_to_end_id: str
    amount: int
    currency: str


def duplicates(bookings: Iterable[Booking], *, as_: str) -> list[Finding]:
    """Two bookings of one payment: the same end-to-end id and amount under two keys; each
    after the first (by key) is a ``duplicate``. ``as_`` says how: "booked as", "paid as"."""
    groups: defaultdict[tuple[str, str, int, str], list[str]] = defaultdict(list)
    for b in bookings:
        groups[(b.bank, b.end_to_end_id, b.amount, b.currency)].append(b.entry_key)
    findings = []
    for (bank, e2e, amount, currency), keys in groups.items():
        first, *others = sorted(keys)
        findings += [
            Finding(BreakType.DUPLICATE, BreakSource.BANK, bank, other, amount, currency,
                    f"end-to-end id {e2e} also {as_} {first}")
            for other in others
        ]  # fmt: skip
    return findings
