"""Several screens as one: the gravest verdict wins, every finding is kept."""

from __future__ import annotations

import uuid

from onramp.compliance.cases import AlertDraft
from onramp.core.money import Money
from onramp.orders.screens.screening import (
    REASON_LENGTH,
    Screeners,
    ScreeningResult,
    ScreeningSubject,
    Verdict,
)

SUBJECT = ScreeningSubject(uuid.uuid4(), uuid.uuid4(), Money.parse("10.00", "EUR"), "0x" + "1" * 40)


class Fixed:
    def __init__(self, verdict: Verdict, reason: str, kind: str | None = None) -> None:
        alerts: tuple[AlertDraft, ...] = ()
        if kind is not None:
            alerts = (
                AlertDraft(
                    customer_id=SUBJECT.customer_id,
                    source="test",
                    kind=kind,
                    severity="high",
                    reason=reason,
                    subject_type="order",
                    subject_id=str(SUBJECT.order_id),
                    dedupe_key=f"test:{kind}",
                ),
            )
        self.result = ScreeningResult(verdict, reason, alerts)

    async def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        return self.result


async def test_all_clear_passes_with_every_reason() -> None:
    result = await Screeners(Fixed(Verdict.CLEAR, "a"), Fixed(Verdict.CLEAR, "b")).screen(SUBJECT)
    assert (result.verdict, result.reason, result.alerts) == (Verdict.CLEAR, "a; b", ())


async def test_a_hold_beats_a_reject_and_every_alert_is_kept() -> None:
    result = await Screeners(
        Fixed(Verdict.REJECT, "refund", "r"),
        Fixed(Verdict.CLEAR, "fine"),
        Fixed(Verdict.HOLD, "look", "h"),
    ).screen(SUBJECT)
    assert (result.verdict, result.reason) == (Verdict.HOLD, "look")
    assert [a.kind for a in result.alerts] == ["r", "h"]


async def test_the_reason_fits_the_order_history() -> None:
    long = Fixed(Verdict.HOLD, "x" * 400)
    result = await Screeners(long, long).screen(SUBJECT)
    assert len(result.reason) == REASON_LENGTH
    assert result.reason.endswith("…")
