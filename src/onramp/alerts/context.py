"""What a check is given (the session, the time, its rule, the settings) and what it answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.alerts.rules import AlertRule
from onramp.core.settings import Settings


@dataclass(frozen=True)
class CheckContext:
    session: AsyncSession
    now: datetime
    rule: AlertRule
    settings: Settings


@dataclass(frozen=True)
class Breach:
    """One group's failing check: ``group`` from a closed set (a wallet's name, a status, a
    type), never an id, so alerts group rather than multiply."""

    group: str
    summary: str
    value: str
