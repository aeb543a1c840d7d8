"""Single-use secrets sent by email (verify an address, reset a password, confirm a new address).

The token is 256 random bits, so knowing the hash does not help to forge one, and a lookup by
hash is enough: a stolen database copy holds no usable link. Each is bound to one purpose,
expires, and is spent in the transaction that does what it allows.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from onramp.core.keys import process_keyring
from onramp.identity.errors import InvalidEmailToken
from onramp.identity.models import EmailToken


class Purpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose, not a password
    CHANGE_EMAIL = "change_email"


_PREFIX = {Purpose.VERIFY_EMAIL: "ev_", Purpose.RESET_PASSWORD: "pr_", Purpose.CHANGE_EMAIL: "ec_"}


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _context(token_hash: bytes) -> bytes:
    return b"email-token:" + token_hash


@dataclass(frozen=True)
class SpentToken:
    user_id: uuid.UUID
    payload: str | None


async def issue(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    purpose: Purpose,
    ttl: timedelta,
    now: datetime,
    payload: str | None = None,
) -> str:
    """A new token; earlier unspent tokens of the same purpose stop working (the newest link
    in the inbox is the one that counts)."""
    await session.execute(
        update(EmailToken)
        .where(
            EmailToken.user_id == user_id,
            EmailToken.purpose == purpose,
            EmailToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    token = _PREFIX[purpose] + secrets.token_urlsafe(32)
    token_hash = _hash(token)
    session.add(
        EmailToken(
            token_hash=token_hash,
            purpose=purpose,
            user_id=user_id,
            created_at=now,
            expires_at=now + ttl,
            payload_sealed=(
                process_keyring().seal(payload, context=_context(token_hash)) if payload else None
            ),
        )
    )
    await session.flush()
    return token


async def spend(
    session: AsyncSession, *, token: str, purpose: Purpose, now: datetime
) -> SpentToken:
    """Use the token once; unknown, spent, expired and other-purpose tokens are all invalid."""
    found = await session.get(EmailToken, _hash(token.strip()), with_for_update=True)
    if (
        found is None
        or found.purpose != purpose
        or found.used_at is not None
        or found.expires_at <= now
    ):
        raise InvalidEmailToken()
    found.used_at = now
    payload = (
        process_keyring().open(found.payload_sealed, context=_context(found.token_hash))
        if found.payload_sealed
        else None
    )
    found.payload_sealed = None
    await session.flush()
    return SpentToken(user_id=found.user_id, payload=payload)


async def cancel(session: AsyncSession, *, user_id: uuid.UUID, now: datetime) -> None:
    """Spend every open token of the user (after a password reset, or erasure)."""
    await session.execute(
        update(EmailToken)
        .where(EmailToken.user_id == user_id, EmailToken.used_at.is_(None))
        .values(used_at=now, payload_sealed=None)
    )
