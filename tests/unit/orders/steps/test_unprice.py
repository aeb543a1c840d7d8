"""Rejecting an order held after pricing reverses its conversion exactly: every account the
conversion touched is back where it was, the fee included."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from onramp.core.money import Money
from onramp.fx import Pricing
from onramp.orders.models import Order
from onramp.orders.saga import SagaStep
from onramp.orders.states import OrderState
from onramp.orders.steps.conversion import _price, unprice


def _order() -> Order:
    now = datetime(2026, 11, 22, tzinfo=UTC)
    return Order(
        id=uuid.uuid4(),
        customer_id=uuid.uuid4(),
        quote_id=uuid.uuid4(),
        state=OrderState.SCREENING.value,
        source_currency="EUR",
        source_amount=100_000,
        target_currency="USDC",
        quoted_target_amount=1_000_000_000,
        destination_address="0x" + "11" * 20,
        creditor_reference="RF18539007547034",
        limit_eur=Decimal("1000.00"),
        created_at=now,
        updated_at=now,
    )


@pytest.mark.parametrize("fee_minor", [500, 0])
def test_the_reversal_undoes_the_conversion(fee_minor: int) -> None:
    order = _order()
    step = SagaStep(actor="test")
    pricing = Pricing(
        source=Money(100_000, "EUR"),
        mid_rate=Decimal("1.05"),
        rate=Decimal("1.045"),
        fee=Money(fee_minor, "EUR"),
        target=Money(1_039_000_000, "USDC"),
        rates_day="2026-11-20",
    )
    _price(step, order, pricing, True, screening="clear")
    (conversion,) = step.entries
    reversal = unprice(order)
    reversal.check()
    assert (reversal.kind, reversal.reference) == ("conversion_reversal", str(order.id))
    net: dict[str, int] = defaultdict(int)
    for leg in (*conversion.legs, *reversal.legs):
        net[leg.account] += leg.amount.minor
    assert set(net.values()) == {0}
