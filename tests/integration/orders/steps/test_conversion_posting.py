"""JPY (0 decimals) and BHD (3 decimals) orders post balanced conversion entries into the real
ledger: fee, spread, rounding and FX position in the source currency, the USDC from the FX
position; the reversal of a held order puts every account back; the FX position report shows
what the desk bought and sold."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from datetime import UTC
from decimal import Decimal
from types import MappingProxyType

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.db import as_int
from onramp.core.ids import uuid7
from onramp.core.money import Money
from onramp.fx import FxDesk
from onramp.fx.ecb import ReferenceRates
from onramp.fx.pricing import FeeSchedule, PricingPolicy
from onramp.ledger import post_entries
from onramp.orders.models import Order
from onramp.orders.saga import SagaStep
from onramp.orders.states import OrderState
from onramp.orders.steps.conversion import _price, unprice
from onramp.reports.fx_position import fx_position_report
from onramp.reports.period import Period

pytestmark = pytest.mark.integration

RATES = ReferenceRates(
    day=datetime.date(2025, 5, 9),
    rates=MappingProxyType(
        {"USD": Decimal("1.1252"), "JPY": Decimal("163.73"), "BHD": Decimal("0.42308")}
    ),
)


class Fixed:
    def latest(self) -> ReferenceRates:
        return RATES


DESK = FxDesk(
    rates=Fixed(),
    policy=PricingPolicy(
        "USD",
        FeeSchedule(20, 50, Decimal("1.00")),
        Decimal("10"),
        Decimal("100000"),
        currency_spread_bps={"BHD": 30},
    ),
    quote_ttl=datetime.timedelta(minutes=15),
)


def _order(source: Money) -> Order:
    now = datetime.datetime.now(UTC)
    return Order(
        id=uuid7(),
        customer_id=uuid.uuid4(),
        quote_id=uuid.uuid4(),
        state=OrderState.SCREENING.value,
        source_currency=source.currency,
        source_amount=source.minor,
        target_currency="USDC",
        quoted_target_amount=0,
        destination_address="0x" + "11" * 20,
        creditor_reference="RF18539007547034",
        limit_eur=Decimal("1000.00"),
        created_at=now,
        updated_at=now,
    )


async def postings(session: AsyncSession, reference: str) -> dict[str, int]:
    rows = await session.execute(
        text(
            "SELECT a.code, p.amount FROM postings p JOIN ledger_accounts a ON a.id = p.account_id "
            "JOIN journal_entries e ON e.id = p.entry_id WHERE e.reference = :ref"
        ),
        {"ref": reference},
    )
    net: dict[str, int] = defaultdict(int)
    for code, amount in rows.all():
        net[code] += as_int(amount)
    return dict(net)


@pytest.mark.parametrize("amount", [Money.parse("250000", "JPY"), Money.parse("777.777", "BHD")])
async def test_conversion_balances_per_currency_and_reverses(
    session: AsyncSession, amount: Money
) -> None:
    order = _order(amount)
    pricing = DESK.price(amount, "USDC", tier=2)
    step = SagaStep(actor="test")
    _price(step, order, pricing, True, screening="clear")
    await post_entries(session, step.entries)

    posted = await postings(session, str(order.id))
    ccy = amount.currency
    customer = f"customer:{order.customer_id}"
    split = pricing.split()
    assert posted == {
        f"{customer}:{ccy}": amount.minor,
        f"fees:{ccy}": -pricing.fee.minor,
        f"spread:{ccy}": -split.spread.minor,
        f"fx:{ccy}": -split.position.minor,
        "fx:USDC": pricing.target.minor,
        f"{customer}:USDC": -pricing.target.minor,
        **({f"rounding:{ccy}": -split.rounding.minor} if split.rounding.is_positive() else {}),
    }
    by_currency: dict[str, int] = defaultdict(int)
    for code, minor in posted.items():
        by_currency[code.rsplit(":", 1)[1]] += minor
    assert by_currency == {ccy: 0, "USDC": 0}
    assert order.pricing_rule == "firm_quote"

    await post_entries(session, [unprice(order)])
    assert set((await postings(session, str(order.id))).values()) == {0}


async def test_fx_position_report_shows_the_day(session: AsyncSession) -> None:
    today = datetime.datetime.now(UTC).date()
    before = {
        r.currency: r
        for r in await fx_position_report(session, desk=DESK, period=Period(today, today))
    }
    amount = Money.parse("250000", "JPY")
    order = _order(amount)
    pricing = DESK.price(amount, "USDC")
    step = SagaStep(actor="test")
    _price(step, order, pricing, True, screening="clear")
    await post_entries(session, step.entries)

    rows = {
        r.currency: r
        for r in await fx_position_report(session, desk=DESK, period=Period(today, today))
    }
    jpy, usdc = rows["JPY"], rows["USDC"]
    bought_before = before["JPY"].bought.minor if "JPY" in before else 0
    sold_before = before["USDC"].sold.minor if "USDC" in before else 0
    assert jpy.bought.minor - bought_before == pricing.split().position.minor
    assert usdc.sold.minor - sold_before == pricing.target.minor
    assert jpy.closing == jpy.opening + jpy.bought - jpy.sold
    assert jpy.rate_per_eur == Decimal("163.73")
    assert jpy.closing_eur == (jpy.closing.to_decimal() / Decimal("163.73")).quantize(
        Decimal("0.01")
    )
    assert usdc.rate_per_eur == Decimal("1.1252")  # USDC valued as USD
    assert jpy.as_dict()["day"] == today.isoformat()
