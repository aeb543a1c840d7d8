"""A user's preferences: how amounts are shown, which fiat is the default, how to be told."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.audit import record
from onramp.core.errors import InvalidInput
from onramp.core.money import currency
from onramp.identity.models import UserPreferences

CHANNELS = frozenset({"email", "webhook"})
LANGUAGES = frozenset({"en", "de", "fr", "es", "it", "nl", "pt", "pl"})


class InvalidPreferences(InvalidInput):
    code = "preferences_invalid"
    title = "These preferences are not valid"


@dataclass(frozen=True)
class Preferences:
    display_currency: str = "EUR"
    default_fiat_currency: str = "EUR"
    notification_channels: tuple[str, ...] = ("email", "webhook")
    language: str = "en"

    def check(self) -> None:
        currency(self.display_currency)
        if currency(self.default_fiat_currency).code == "USDC":
            raise InvalidPreferences("the default fiat currency cannot be USDC")
        unknown = set(self.notification_channels) - CHANNELS
        if unknown:
            raise InvalidPreferences(f"unknown notification channels: {sorted(unknown)}")
        if self.language not in LANGUAGES:
            raise InvalidPreferences(f"language must be one of {sorted(LANGUAGES)}")


async def get_preferences(session: AsyncSession, *, user_id: uuid.UUID) -> Preferences:
    row = await session.get(UserPreferences, user_id)
    if row is None:
        return Preferences()
    return Preferences(
        display_currency=row.display_currency,
        default_fiat_currency=row.default_fiat_currency,
        notification_channels=tuple(row.notification_channels),
        language=row.language,
    )


async def set_preferences(
    session: AsyncSession, *, user_id: uuid.UUID, preferences: Preferences, now: datetime
) -> Preferences:
    preferences.check()
    row = await session.get(UserPreferences, user_id, with_for_update=True)
    if row is None:
        row = UserPreferences(user_id=user_id)
        session.add(row)
    row.display_currency = preferences.display_currency
    row.default_fiat_currency = preferences.default_fiat_currency
    row.notification_channels = sorted(set(preferences.notification_channels))
    row.language = preferences.language
    row.updated_at = now
    await record(
        session,
        actor=f"user:{user_id}",
        action="user.preferences_changed",
        entity_type="user",
        entity_id=str(user_id),
        data={"language": preferences.language, "channels": row.notification_channels},
    )
    await session.flush()
    return await get_preferences(session, user_id=user_id)
