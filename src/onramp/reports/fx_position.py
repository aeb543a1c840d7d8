"""Daily FX position report: per currency, the FX desk's position (the ``fx:<ccy>`` ledger
accounts) at the start of each day, what it bought and sold that day, and its closing position,
valued in EUR at that day's reference rate.

The position is credits less debits on ``fx:<ccy>``: a conversion credits the source currency
the desk took in (bought) and debits the USDC it paid out (sold); funding the vault with USDC
credits ``fx:USDC``. Days are UTC, by when the journal entries were written. USDC is valued as
USD (its peg). A currency without a rate for the day shows no EUR value rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from onramp import fx, ledger
from onramp.core.errors import OnrampError
from onramp.core.money import Money
from onramp.reports.period import Period

FIELDS = (
    "day",
    "currency",
    "opening",
    "bought",
    "sold",
    "closing",
    "rate_per_eur",
    "closing_eur",
    "rates_day",
)


@dataclass(frozen=True)
class FxPositionRow:
    day: date
    currency: str
    opening: Money
    bought: Money
    sold: Money
    rate_per_eur: Decimal | None
    rates_day: str

    @property
    def closing(self) -> Money:
        return self.opening + self.bought - self.sold

    @property
    def closing_eur(self) -> Decimal | None:
        if self.rate_per_eur is None:
            return None
        return (self.closing.to_decimal() / self.rate_per_eur).quantize(Decimal("0.01"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "currency": self.currency,
            "opening": str(self.opening),
            "bought": str(self.bought),
            "sold": str(self.sold),
            "closing": str(self.closing),
            "rate_per_eur": "" if self.rate_per_eur is None else str(self.rate_per_eur),
            "closing_eur": "" if self.closing_eur is None else str(self.closing_eur),
            "rates_day": self.rates_day,
        }


async def fx_position_report(
    session: AsyncSession, *, desk: fx.FxDesk, period: Period
) -> list[FxPositionRow]:
    rows: list[FxPositionRow] = []
    day = period.first_day
    while day <= period.last_day:
        rows += await _day(session, desk, day)
        day += timedelta(days=1)
    return rows


async def _day(session: AsyncSession, desk: fx.FxDesk, day: date) -> list[FxPositionRow]:
    start = datetime.combine(day, time(), tzinfo=UTC)
    moved = await ledger.movements(
        session, account_class="fx", start=start, end=start + timedelta(days=1)
    )
    rates = desk.rates_on(day)
    rows = []
    for account in moved:
        ccy = account.currency
        rows.append(
            FxPositionRow(
                day=day,
                currency=ccy,
                opening=Money(-account.opening, ccy),
                bought=Money(account.credits, ccy),
                sold=Money(account.debits, ccy),
                rate_per_eur=_per_eur(rates, ccy),
                rates_day=rates.day.isoformat(),
            )
        )
    return rows


def _per_eur(rates: fx.ReferenceRates, currency: str) -> Decimal | None:
    try:
        return fx.eur_rate(rates, "USD" if currency == "USDC" else currency)
    except OnrampError:
        return None
