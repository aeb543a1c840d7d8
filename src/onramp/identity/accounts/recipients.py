"""Who may be emailed, and at which address: the customers among ``user_ids`` whose account is
open and whose preferences take email (the default), with the address and name to use."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.identity.models import User, UserPreferences

EMAIL = "email"


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
