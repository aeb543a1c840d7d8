"""A payout stopped before signing raises a holding alert named for what stopped it."""

from __future__ import annotations

import uuid

from onramp.orders.steps.payouts import payout_hold_alert


def test_a_treasury_limit_hold_is_the_treasurys_alert() -> None:
    order = uuid.uuid4()
    alert = payout_hold_alert(
        uuid.uuid4(),
        order,
        "over the per-payout limit",
        {"kind": "treasury_limit", "limit": "per_payout"},
    )
    assert (alert.source, alert.kind, alert.dedupe_key) == (
        "treasury",
        "treasury_limit",
        f"treasury:payout:{order}",
    )
    assert alert.hold
    assert alert.evidence == {"limit": "per_payout"}


def test_a_sanctions_hit_before_signing_stays_a_screening_alert() -> None:
    order = uuid.uuid4()
    alert = payout_hold_alert(uuid.uuid4(), order, "listed address", {"list": "ofac"})
    assert (alert.source, alert.kind, alert.dedupe_key) == (
        "screening",
        "sanctions_address",
        f"screening:payout:{order}",
    )
