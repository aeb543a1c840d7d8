"""Whose money funds an order: the deposit's sender must be the customer.

Run by the saga on every matched deposit (``on_deposits_matched``, a batch at once), after the
deposits worker has already let the deposit verify the saved account it came from. It holds the
order for a compliance officer (``manual_review``, an alert from source ``bank_account``) when:

- the deposit came from a saved account whose holder the customer gave as someone other than
  their verified KYC name (``holder_matches_kyc`` false: the account is ``name_mismatch`` since
  it was added): ``deposit_from_mismatched_account``;
- the sender's name does not match the customer's verified KYC name (given names and surname,
  ``name_match_score`` below the threshold): ``deposit_from_mismatched_account`` when the
  account is a saved one, ``third_party_funding`` when it is not.

A sender who matches the KYC name passes, saved account or not; an unsaved account is not
saved for the customer (saving one needs their own step-up), the deposit keeps the link. With
no verified KYC name to compare (no approved case with names), the sender cannot be checked:
the deposit passes and the order's history says "not checked"; the tier limits (which need an
approved case) and the monitoring rules still apply.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import banking, kyc
from onramp.compliance import AlertDraft
from onramp.core.names import name_match_score
from onramp.orders.models import Order
from onramp.orders.screens.screening import ScreeningResult, Verdict

SOURCE = "bank_account"
MISMATCHED_ACCOUNT = "deposit_from_mismatched_account"
THIRD_PARTY = "third_party_funding"


def _hold(order: Order, kind: str, reason: str, evidence: dict[str, object]) -> ScreeningResult:
    alert = AlertDraft.holding_order(
        customer_id=order.customer_id,
        order_id=order.id,
        source=SOURCE,
        kind=kind,
        severity="medium",
        reason=reason,
        evidence=evidence,
    )
    return ScreeningResult(Verdict.HOLD, reason, (alert,))


@dataclass(frozen=True)
class FundedBy:
    """A funded order and the deposit that funds it, as the funding-source check sees them."""

    order: Order
    deposit_id: uuid.UUID
    sender_name: str | None


async def check_funding_sources(
    session: AsyncSession,
    funded: Sequence[FundedBy],
    *,
    cases: kyc.ApprovedCases,
    min_score: float,
    now: datetime,
) -> list[ScreeningResult]:
    """Each order's verdict, in order: the batch's saved accounts read in one go (``cases``
    holds the customers' verified identities, read once for the batch)."""
    saved = await banking.saved_accounts_of_deposits(
        session, [(f.deposit_id, f.order.customer_id) for f in funded]
    )
    return [
        _check(
            f,
            saved[f.deposit_id, f.order.customer_id],
            cases.identity(f.order.customer_id, now),
            min_score=min_score,
        )
        for f in funded
    ]


def _check(
    funded: FundedBy,
    saved: list[banking.FundingAccount],
    identity: kyc.VerifiedIdentity | None,
    *,
    min_score: float,
) -> ScreeningResult:
    order, sender_name = funded.order, funded.sender_name
    evidence: dict[str, object] = {
        "deposit_id": str(funded.deposit_id),
        "bank_account_ids": [str(a.id) for a in saved],
        "min_score": min_score,
    }
    mismatched = [a for a in saved if a.holder_matches_kyc is False]
    if mismatched:
        return _hold(
            order,
            MISMATCHED_ACCOUNT,
            "funding source: the deposit came from a saved account whose holder is not the "
            "customer's verified name",
            {**evidence, "kyc_name_score": mismatched[0].kyc_name_score},
        )
    kyc_name = identity.name if identity is not None else None
    if kyc_name is None or not sender_name:
        return ScreeningResult(
            Verdict.CLEAR, "funding source: sender not checked (no verified KYC name)"
        )
    score = name_match_score(sender_name, kyc_name)
    if score >= min_score:
        where = "a saved account" if saved else "an account not saved"
        return ScreeningResult(
            Verdict.CLEAR,
            f"funding source: sender matches the KYC name ({score:.0f}) from {where}",
        )
    evidence["sender_score"] = round(score, 1)
    if saved:
        return _hold(
            order,
            MISMATCHED_ACCOUNT,
            f"funding source: the sender of a saved account's deposit is not the customer "
            f"({score:.0f} < {min_score:g})",
            evidence,
        )
    return _hold(
        order,
        THIRD_PARTY,
        f"funding source: third-party funding, the sender is not the customer "
        f"({score:.0f} < {min_score:g})",
        evidence,
    )
