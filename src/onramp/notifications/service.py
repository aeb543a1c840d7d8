"""Queue emails inside the caller's unit of work; send them later, each at least once.

A change and the email announcing it commit together (the same idea as the event outbox), so a
crash never sends a reset link for a token that was rolled back, nor loses one that was stored.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.crypto import DecryptionFailed
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7
from onramp.core.keys import process_keyring
from onramp.core.logging import get_logger
from onramp.notifications.adapters.smtp import DeliveryFailed, Email, EmailSender
from onramp.notifications.models import OutgoingEmail
from onramp.notifications.templates import render_email

log = get_logger(__name__)

EMAILS_CHANNEL = "onramp_emails"
MAX_BACKOFF = timedelta(hours=1)


def _context(email_id: uuid.UUID) -> bytes:
    return b"outgoing-email:" + email_id.bytes


async def enqueue_email(
    session: AsyncSession,
    *,
    to: str,
    template: str,
    params: dict[str, str],
    now: datetime,
    user_id: uuid.UUID | None = None,
    language: str = "en",
) -> uuid.UUID:
    """Store the rendered email (text and HTML, in ``language`` where translated), sealed with
    the PII data key; the mailer sends it once this transaction commits."""
    rendered = render_email(template, params, language=language)
    email_id = uuid7()
    message = json.dumps(
        {"to": to, "subject": rendered.subject, "body": rendered.text, "html": rendered.html}
    )
    session.add(
        OutgoingEmail(
            id=email_id,
            user_id=user_id,
            template=template,
            status="queued",
            attempts=0,
            next_attempt_at=now,
            message_sealed=process_keyring().seal(message, context=_context(email_id)),
        )
    )
    await session.flush()
    # NOTIFY is transactional: the mailer wakes when (and only if) this commits.
    await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": EMAILS_CHANNEL})
    return email_id


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** (attempts - 1)), MAX_BACKOFF)


async def deliver_next(
    sessions: async_sessionmaker[AsyncSession],
    *,
    sender: EmailSender,
    now: datetime,
    max_attempts: int,
) -> bool:
    """Send one due email in a transaction of its own; False when none is due.

    The row stays locked while the relay is talked to (SKIP LOCKED lets other mailers pass it):
    a crash before the commit leaves it queued, so it is sent again, with the same Message-ID.
    """
    async with unit_of_work(sessions) as session:
        row = await session.scalar(
            select(OutgoingEmail)
            .where(OutgoingEmail.status == "queued", OutgoingEmail.next_attempt_at <= now)
            .order_by(OutgoingEmail.next_attempt_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if row is None:
            return False
        row.attempts += 1
        try:
            assert row.message_sealed is not None
            message = json.loads(
                process_keyring().open(row.message_sealed, context=_context(row.id))
            )
        except DecryptionFailed:
            # Sealed under another key: no retry can send it; a poison row must not stall the rest.
            row.status, row.message_sealed, row.last_error = "failed", None, "undecryptable"
            log.error("email.undecryptable", email_id=str(row.id))
            return True
        try:
            await sender.send(
                Email(
                    message_id=str(row.id),
                    to=message["to"],
                    subject=message["subject"],
                    body=message["body"],
                    html=message.get("html"),  # absent from emails queued before HTML
                )
            )
        except DeliveryFailed as exc:
            row.last_error = str(exc)[:300]
            if exc.permanent or row.attempts >= max_attempts:
                row.status, row.message_sealed = "failed", None
                log.warning("email.failed", email_id=str(row.id), template=row.template)
            else:
                row.next_attempt_at = now + backoff(row.attempts)
                log.info("email.retry", email_id=str(row.id), attempts=row.attempts)
            return True
        row.status, row.sent_at, row.message_sealed, row.last_error = "sent", now, None, None
        log.info("email.sent", email_id=str(row.id), template=row.template)
        return True
