"""Operator alarms of the FX desk, written in their own transaction: the pricing that noticed
may be refused (and rolled back), the alarm must stay."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.audit import record
from onramp.core.db import unit_of_work
from onramp.core.events import subject_for
from onramp.core.outbox import emit
from onramp.fx.desk import PegAlarmSink
from onramp.fx.peg import PegReading

SOURCE = "onramp/fx"
USDC_PEG_DEVIATION = subject_for("fx", "usdc_peg_deviation")


def peg_alarm_recorder(sessions: async_sessionmaker[AsyncSession]) -> PegAlarmSink:
    """An alarm sink writing an audit record and an ``onramp.fx.usdc_peg_deviation.v1`` event."""

    async def raise_alarm(reading: PegReading) -> None:
        data = reading.as_dict()
        async with unit_of_work(sessions) as session:
            await record(
                session,
                actor="system:fx",
                action="fx.usdc_peg_deviation",
                entity_type="fx_peg",
                entity_id="USDC/USD",
                data=data,
            )
            await emit(session, USDC_PEG_DEVIATION, data, source=SOURCE, entity_id="USDC/USD")

    return raise_alarm
