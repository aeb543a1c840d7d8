"""The reports' one table: which report was emailed to staff for which day, so the daily
mailing sends each once (the claim and the emails commit together)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base


class ReportMailing(Base):
    __tablename__ = "report_mailings"

    report: Mapped[str] = mapped_column(String(50), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    recipients: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(Integer)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
