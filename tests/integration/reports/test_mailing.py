"""Yesterday's reports emailed to staff once, through the notifications outbox to the test
stack's mail sandbox: each report named is queued to each recipient with its CSV in the body;
a second round (another worker, or the next poll) queues nothing; no recipients, no email."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.settings import Settings
from onramp.devstack.stack import Stack
from onramp.identity.models import User
from onramp.notifications.adapters.smtp import SmtpSender
from onramp.notifications.service import deliver_next
from onramp.reports import email_reports_once
from onramp.reports.models import ReportMailing
from tests.integration.notifications.test_mailer import _inbox
from tests.integration.reports.days import at_hour, far_day

REPORTS = ["operations", "funnel"]


async def test_yesterdays_reports_reach_each_recipient_once(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    d = far_day()
    now = at_hour(d + timedelta(days=1), 0.1)  # just past midnight: yesterday is d
    templates = Settings().compliance.report_templates_dir
    staff = [f"ops.{uuid.uuid4().hex}@example.com", f"cfo.{uuid.uuid4().hex}@example.com"]
    async with unit_of_work(sessions) as session:
        session.add(
            User(id=uuid7(), email=f"{uuid.uuid4().hex}@mailing.test", full_name="Mail Test",
                 password_hash="x", role="customer", created_at=at_hour(d, 10))
        )  # fmt: skip

    async def round_(recipients: list[str]) -> int:
        async with unit_of_work(sessions) as session:
            return await email_reports_once(
                session, now=now, recipients=recipients, reports=REPORTS, templates=templates
            )

    assert await round_([]) == 0  # none configured: nothing claimed either
    assert await round_(staff) == 2
    assert await round_(staff) == 0  # the day is claimed: not sent twice
    async with sessions() as session:
        claimed = await session.scalars(
            select(ReportMailing.report)
            .where(ReportMailing.day == d)
            .order_by(ReportMailing.report)
        )
        assert list(claimed) == ["funnel", "operations"]
        assert (
            await session.scalar(select(func.max(ReportMailing.rows)).where(ReportMailing.day == d))
            == 1
        )

    # The stack's mailer works in real time; these are due a century on: deliver them here.
    sender = SmtpSender(infra.settings.notifications)
    while await deliver_next(sessions, sender=sender, now=now, max_attempts=3):
        pass
    for to in staff:
        messages = {m["subject"]: m["text"] for m in await _inbox(infra, to)}
        assert set(messages) == {f"onramp {r} report for {d.isoformat()}" for r in REPORTS}
        funnel = messages[f"onramp funnel report for {d.isoformat()}"]
        assert "date,registered,email_verified" in funnel
        assert f"{d.isoformat()},1,0,0" in funnel
