"""The operator's rules for money that does not fit its order."""

from __future__ import annotations

import pytest

from onramp.banking.booking.payment_rules import (
    Action,
    Decision,
    PaymentRules,
    decide_late,
    decide_open,
)
from onramp.core.money import Money

DUE = Money(100_00, "EUR")


def eur(minor: int) -> Money:
    return Money(minor, "EUR")


def test_exact_amount_funds_the_order() -> None:
    assert decide_open(PaymentRules(), expected=DUE, received=DUE) == Decision(
        Action.MATCH, applied=DUE
    )


@pytest.mark.parametrize(
    ("rule", "decision"),
    [
        ("price_received", Decision(Action.MATCH, "underpayment", applied=eur(60_00))),
        ("hold", Decision(Action.HOLD, "underpayment")),
    ],
)
def test_underpayment(rule: str, decision: Decision) -> None:
    rules = PaymentRules(underpayment=rule)  # type: ignore[arg-type]
    assert decide_open(rules, expected=DUE, received=eur(60_00)) == decision


@pytest.mark.parametrize(
    ("rule", "decision"),
    [
        ("price_received", Decision(Action.MATCH, "overpayment", applied=eur(130_00))),
        (
            "refund_excess",
            Decision(Action.MATCH, "overpayment", applied=DUE, excess=eur(30_00)),
        ),
        ("hold", Decision(Action.HOLD, "overpayment")),
    ],
)
def test_overpayment(rule: str, decision: Decision) -> None:
    rules = PaymentRules(overpayment=rule)  # type: ignore[arg-type]
    assert decide_open(rules, expected=DUE, received=eur(130_00)) == decision


def test_refund_excess_refunds_only_the_excess() -> None:
    decision = decide_open(PaymentRules(), expected=DUE, received=eur(100_01))
    assert (decision.applied, decision.refund) == (DUE, eur(1))
    assert decide_open(PaymentRules(), expected=DUE, received=DUE).refund is None


@pytest.mark.parametrize(
    ("rule", "action"),
    [("price_received", Action.NEW_ORDER), ("refund", Action.REFUND), ("hold", Action.HOLD)],
)
def test_late_payment(rule: str, action: Action) -> None:
    rules = PaymentRules(late_payment=rule)  # type: ignore[arg-type]
    decision = decide_late(rules, expected=DUE, received=eur(100_00))
    assert (decision.action, decision.reason) == (action, "late_payment")


def test_another_currency_is_always_held() -> None:
    usd = Money(100_00, "USD")
    lenient = PaymentRules("price_received", "price_received", "price_received")
    assert decide_open(lenient, expected=DUE, received=usd).action is Action.HOLD
    assert decide_late(lenient, expected=DUE, received=usd).action is Action.HOLD
