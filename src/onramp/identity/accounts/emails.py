"""What identity emails people, and the links in those emails: address verification, password
reset and change of address. Each email is queued in the same transaction as its token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.settings import Settings
from onramp.identity.accounts.email_tokens import Purpose, issue
from onramp.identity.models import User, UserPreferences
from onramp.notifications import enqueue_email

_PATHS = {
    Purpose.VERIFY_EMAIL: "/verify-email",
    Purpose.RESET_PASSWORD: "/reset-password",
    Purpose.CHANGE_EMAIL: "/confirm-email-change",
}
_TEMPLATES = {
    Purpose.VERIFY_EMAIL: "verify_email",
    Purpose.RESET_PASSWORD: "password_reset",
    Purpose.CHANGE_EMAIL: "email_change_confirm",
}


@dataclass(frozen=True)
class AccountEmails:
    base_url: str
    ttl: dict[Purpose, timedelta]

    @classmethod
    def from_settings(cls, settings: Settings) -> AccountEmails:
        n = settings.notifications
        return cls(
            base_url=n.public_base_url.rstrip("/"),
            ttl={
                Purpose.VERIFY_EMAIL: timedelta(seconds=n.email_verification_ttl_seconds),
                Purpose.RESET_PASSWORD: timedelta(seconds=n.password_reset_ttl_seconds),
                Purpose.CHANGE_EMAIL: timedelta(seconds=n.email_change_ttl_seconds),
            },
        )

    async def send_link(
        self,
        session: AsyncSession,
        *,
        user: User,
        purpose: Purpose,
        now: datetime,
        to: str | None = None,
        payload: str | None = None,
    ) -> None:
        """Issue a token for ``purpose`` and queue the email carrying its link."""
        ttl = self.ttl[purpose]
        token = await issue(
            session,
            user_id=user.id,
            purpose=purpose,
            ttl=ttl,
            now=now,
            payload=payload,
        )
        await enqueue_email(
            session,
            to=to or user.email,
            template=_TEMPLATES[purpose],
            params={
                "name": user.full_name,
                "link": f"{self.base_url}{_PATHS[purpose]}?token={token}",
                "expires_at": (now + ttl).strftime("%Y-%m-%d %H:%M UTC"),
            },
            now=now,
            user_id=user.id,
            language=await language_of(session, user.id),
        )

    async def send_notice(
        self,
        session: AsyncSession,
        *,
        user: User,
        template: str,
        now: datetime,
        params: dict[str, str] | None = None,
    ) -> uuid.UUID:
        """An email that only informs (password changed, address change asked for)."""
        return await enqueue_email(
            session,
            to=user.email,
            template=template,
            params={"name": user.full_name, "at": now.strftime("%Y-%m-%d %H:%M UTC")}
            | (params or {}),
            now=now,
            user_id=user.id,
            language=await language_of(session, user.id),
        )


async def language_of(session: AsyncSession, user_id: uuid.UUID) -> str:
    """The user's preferred language for emails (English when none was chosen)."""
    chosen = await session.scalar(
        select(UserPreferences.language).where(UserPreferences.user_id == user_id)
    )
    return chosen or "en"
