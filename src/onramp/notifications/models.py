from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, LargeBinary, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base


class OutgoingEmail(Base):
    """An email waiting to be sent, written in the same transaction as the change it reports.

    The recipient, subject and body (which may hold a single-use link) are sealed, and dropped
    once the message is sent or given up on: what stays is who it was for and which template.
    """

    __tablename__ = "outgoing_emails"
    # The mailer's query: what is queued and due, oldest first.
    __table_args__ = (
        Index(
            "ix_outgoing_emails_due",
            "next_attempt_at",
            postgresql_where=text("status = 'queued'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    template: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(10))  # queued | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(300))
    message_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
