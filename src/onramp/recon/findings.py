"""A break as a matcher finds it, before it is stored: what kind, on which side, for which
booking, and by how much."""

from __future__ import annotations

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
