"""The mailer against real SMTP (the devstack's mail sandbox) and the real database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.notifications import enqueue_email
from onramp.notifications.adapters.smtp import SmtpSender
from onramp.notifications.models import OutgoingEmail
from onramp.notifications.service import deliver_next


def _future() -> datetime:
    """A day ahead: the running stack's own mailer (real time) leaves these emails to us."""
    return datetime.now(UTC) + timedelta(days=1)


async def _queue(sessions: async_sessionmaker[AsyncSession], to: str, now: datetime) -> uuid.UUID:
    async with unit_of_work(sessions) as session:
        return await enqueue_email(
            session,
            to=to,
            template="password_changed",
            params={"name": "Grace", "at": "now"},
            now=now,
        )


async def _deliver_until(
    sessions: async_sessionmaker[AsyncSession],
    infra: Stack,
    email_id: uuid.UUID,
    now: datetime,
    *,
    tried: int = 0,
) -> OutgoingEmail:
    """Deliver due emails (others' too: the database is shared) until ours was tried again."""
    sender = SmtpSender(infra.settings.notifications)
    while await deliver_next(sessions, sender=sender, now=now, max_attempts=3):
        async with sessions() as session:
            row = await session.get(OutgoingEmail, email_id)
            assert row is not None
            if row.attempts > tried:
                return row
    raise AssertionError("our email was not tried")


async def _inbox(infra: Stack, to: str) -> list[dict[str, str]]:
    async with httpx.AsyncClient(base_url=infra.mail.url) as mail:
        found: list[dict[str, str]] = (await mail.get("/messages", params={"to": to})).json()[
            "data"
        ]
        return found


async def test_a_sent_email_arrives_and_leaves_no_content_behind(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    to = f"grace.{uuid.uuid4().hex}@example.com"
    now = _future()
    email_id = await _queue(sessions, to, now)
    row = await _deliver_until(sessions, infra, email_id, now)
    assert (row.status, row.attempts, row.message_sealed) == ("sent", 1, None)
    (message,) = await _inbox(infra, to)
    assert message["subject"] == "Your password was changed"
    assert message["headers"]["Message-ID"] == f"<{email_id}@onramp>"
    assert "Hello Grace" in message["text"]


async def test_a_bounce_is_final_and_a_temporary_failure_is_retried(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    now = _future()
    bounced = await _queue(sessions, "bounce@example.com", now)
    row = await _deliver_until(sessions, infra, bounced, now)
    assert (row.status, row.message_sealed) == ("failed", None)
    assert row.last_error is not None
    assert row.last_error.startswith("550")

    later = await _queue(sessions, "tempfail@example.com", now)
    row = await _deliver_until(sessions, infra, later, now)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.next_attempt_at == now + timedelta(seconds=5)
    assert row.last_error is not None
    assert row.last_error.startswith("451")
    for attempt, at in ((2, now + timedelta(seconds=5)), (3, now + timedelta(seconds=15))):
        row = await _deliver_until(sessions, infra, later, at, tried=attempt - 1)
        assert row.attempts == attempt
    assert row.status == "failed"  # max_attempts=3: given up on


async def test_an_email_is_sent_only_if_its_transaction_commits(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    to = f"rolled.{uuid.uuid4().hex}@example.com"

    async def change_that_fails() -> None:
        async with unit_of_work(sessions) as session:
            await enqueue_email(
                session,
                to=to,
                template="password_changed",
                params={"name": "X", "at": "now"},
                now=datetime.now(UTC),
            )
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        await change_that_fails()
    sender = SmtpSender(infra.settings.notifications)
    while await deliver_next(sessions, sender=sender, now=datetime.now(UTC), max_attempts=3):
        pass
    assert await _inbox(infra, to) == []
