"""Who may be told, and how: the customers among ``user_ids`` whose account is open and whose
preferences take email (the default), with the address and name to use; and those who turned
their webhook endpoints' deliveries off (the ``webhook`` channel, on by default)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.identity.models import User, UserPreferences

EMAIL = "email"
WEBHOOK = "webhook"


@dataclass(frozen=True)
class Recipient:
    user_id: uuid.UUID
    email: str
    name: str
    language: str


async def email_recipients(
    session: AsyncSession, user_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, Recipient]:
    """Two queries whatever the number of users (users, then their preferences)."""
    if not user_ids:
        return {}
    users = (
        await session.scalars(
            select(User).where(
                User.id.in_(user_ids), User.erased_at.is_(None), User.deactivated_at.is_(None)
            )
        )
    ).all()
    preferences = {
        p.user_id: p
        for p in (
            await session.scalars(
                select(UserPreferences).where(UserPreferences.user_id.in_(user_ids))
            )
        ).all()
    }
    found = {}
    for user in users:
        chosen = preferences.get(user.id)
        if chosen is not None and EMAIL not in chosen.notification_channels:
            continue
        language = chosen.language if chosen is not None else "en"
        found[user.id] = Recipient(user.id, user.email, user.full_name, language)
    return found


async def webhook_muted(session: AsyncSession, user_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """The users among ``user_ids`` whose saved preferences leave out the ``webhook`` channel:
    their endpoints get no deliveries (one query; no saved preferences means on)."""
    if not user_ids:
        return set()
    chosen = await session.execute(
        select(UserPreferences.user_id, UserPreferences.notification_channels).where(
            UserPreferences.user_id.in_(user_ids)
        )
    )
    return {user_id for user_id, channels in chosen if WEBHOOK not in channels}
