"""What to do with money that does not fit its order: too little, too much, or too late.

The operator configures one rule per case (``ONRAMP_BANKING__UNDERPAYMENT`` etc.):

* ``price_received``: convert what arrived, at the rate of the day it arrived (the quote was
  for another amount, or has lapsed). For a late payment this places a new order for the
  expired one's customer and destination.
* ``refund_excess`` (overpayments): convert what the order asked for, send the rest back.
* ``refund`` (late payments): send it all back to the sender.
* ``hold``: park it in ``suspense:<ccy>`` with the order it was probably meant for; an operator
  assigns or returns it from the work queue.

A deposit in another currency than its order's is always held: nothing converts it silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from onramp.core.money import Money
from onramp.core.settings import BankingSettings

UnderpaymentRule = Literal["price_received", "hold"]
OverpaymentRule = Literal["price_received", "refund_excess", "hold"]
LatePaymentRule = Literal["price_received", "refund", "hold"]


class Action(StrEnum):
    MATCH = "match"  # fund the order with ``applied``; refund ``excess`` when positive
    NEW_ORDER = "new_order"  # place an order for the customer, priced when the money came
    REFUND = "refund"  # send it all back
    HOLD = "hold"  # suspense, with ``reason``


@dataclass(frozen=True)
class PaymentRules:
    underpayment: UnderpaymentRule = "price_received"
    overpayment: OverpaymentRule = "refund_excess"
    late_payment: LatePaymentRule = "refund"

    @classmethod
    def from_settings(cls, settings: BankingSettings) -> PaymentRules:
        return cls(settings.underpayment, settings.overpayment, settings.late_payment)


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str | None = None  # the suspense reason, or why the order was not funded as asked
    applied: Money | None = None  # what funds the order
    excess: Money | None = None  # what goes back to the sender

    @property
    def refund(self) -> Money | None:
        return self.excess if self.excess is not None and self.excess.is_positive() else None


def decide_open(rules: PaymentRules, *, expected: Money, received: Money) -> Decision:
    """A deposit for an order still waiting for its money."""
    if expected.currency != received.currency:
        return Decision(Action.HOLD, "currency_mismatch")
    if received == expected:
        return Decision(Action.MATCH, applied=received)
    if received < expected:
        if rules.underpayment == "price_received":
            return Decision(Action.MATCH, "underpayment", applied=received)
        return Decision(Action.HOLD, "underpayment")
    if rules.overpayment == "price_received":
        return Decision(Action.MATCH, "overpayment", applied=received)
    if rules.overpayment == "refund_excess":
        return Decision(Action.MATCH, "overpayment", applied=expected, excess=received - expected)
    return Decision(Action.HOLD, "overpayment")


def decide_late(rules: PaymentRules, *, expected: Money, received: Money) -> Decision:
    """A deposit for an order that expired before the money came."""
    if expected.currency != received.currency:
        return Decision(Action.HOLD, "currency_mismatch")
    if rules.late_payment == "price_received":
        return Decision(Action.NEW_ORDER, "late_payment", applied=received)
    if rules.late_payment == "refund":
        return Decision(Action.REFUND, "late_payment", excess=received)
    return Decision(Action.HOLD, "late_payment")
