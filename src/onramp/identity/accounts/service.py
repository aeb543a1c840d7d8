"""Registration and password checks. Sessions and tokens: ``sessions.py``."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.audit import record
from onramp.core.db import row_dict, unit_of_work
from onramp.core.ids import uuid7
from onramp.core.keys import opened_row
from onramp.identity.accounts.email_tokens import Purpose
from onramp.identity.accounts.emails import AccountEmails
from onramp.identity.errors import (
    AccountDeactivated,
    EmailTaken,
    InvalidCredentials,
    InvalidToken,
    WeakPassword,
)
from onramp.identity.models import (
    ApiKey,
    AuthSession,
    EmailToken,
    RecoveryCode,
    TotpFactor,
    User,
    UserPreferences,
)

MIN_PASSWORD_LENGTH = 12
# Not an argon2 hash, so no password ever verifies against it.
ERASED_PASSWORD_HASH = "!erased"  # noqa: S105
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verifying against this when the email is unknown keeps both paths equally slow.
_DUMMY_HASH = _hasher.hash("not-a-real-password-only-for-timing")


MIN_PASSWORD_SCORE = 3  # zxcvbn's 0-4: "safely unguessable" against offline attacks
# zxcvbn raises on longer input; a password is at least as strong as its first 72 characters.
ZXCVBN_MAX_LENGTH = 72


def check_password_policy(password: str, *, user_inputs: list[str] | None = None) -> None:
    """At least 12 characters, and not guessable: zxcvbn checks it against the ~30,000 most
    common passwords from public breaches (shipped in the package), dictionaries, keyboard
    patterns, dates, repeats and the user's own email and name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    from zxcvbn import zxcvbn  # a large word list: loaded on first use, not at start-up

    verdict = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=user_inputs or [])
    if verdict["score"] < MIN_PASSWORD_SCORE:
        warning = verdict["feedback"].get("warning") or "it is too easy to guess"
        raise WeakPassword(f"this password is too easy to guess: {warning}")


def normalise_email(email: str) -> str:
    """One spelling per address: what is sealed, and what the blind index is computed over."""
    return email.strip().lower()


def email_lookup_key(email: str) -> bytes:
    """The email's blind index (keyed HMAC): the only way rows are found by email."""
    return User.email.index_of(normalise_email(email))


async def user_by_email(session: AsyncSession, *, email: str) -> User | None:
    """Every lookup by email goes through here (login, failed-login audit)."""
    return await session.scalar(
        select(User).where(User.email.index_column == email_lookup_key(email))
    )


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    full_name: str,
    role: str = "customer",
    actor: str | None = None,
) -> User:
    check_password_policy(password, user_inputs=[email, email.split("@")[0], *full_name.split()])
    user_id = uuid7()
    inserted = await session.scalar(
        insert(User)
        .values(
            id=user_id,
            password_hash=await hash_password(password),
            role=role,
            **User.email.column_values(user_id, normalise_email(email)),
            **User.full_name.column_values(user_id, full_name.strip()),
        )
        # A taken address collides on the blind index (the same email gives the same HMAC).
        .on_conflict_do_nothing(index_elements=[User.email.index_key])
        .returning(User.id)
    )
    if inserted is None:
        raise EmailTaken()
    await record(
        session,
        actor=actor or f"user:{user_id}",
        action="user.registered",
        entity_type="user",
        entity_id=str(user_id),
        data={"role": role},
    )
    user = await session.get(User, user_id)
    assert user is not None
    return user


async def register(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    full_name: str,
    emails: AccountEmails,
    now: datetime,
) -> User:
    """A new customer account; the verification email is queued with it."""
    user = await create_user(session, email=email, password=password, full_name=full_name)
    await emails.send_link(session, user=user, purpose=Purpose.VERIFY_EMAIL, now=now)
    return user


async def hash_password(password: str) -> str:
    # argon2 is deliberately slow: off the event loop, so other requests keep moving.
    return await asyncio.to_thread(_hasher.hash, password)


async def check_password(user: User | None, password: str) -> None:
    """InvalidCredentials unless ``password`` is the user's; as slow for an unknown user."""
    try:
        await asyncio.to_thread(
            _hasher.verify, user.password_hash if user else _DUMMY_HASH, password
        )
    except (VerificationError, InvalidHashError):
        raise InvalidCredentials() from None
    if user is None:
        raise InvalidCredentials()


async def authenticate(session: AsyncSession, *, email: str, password: str) -> User:
    user = await user_by_email(session, email=email)
    await check_password(user, password)
    assert user is not None
    if not user.may_sign_in:  # said only to whoever knows the password
        raise AccountDeactivated()
    return user


async def record_failed_login(
    sessions: async_sessionmaker[AsyncSession], *, email: str, ip: str
) -> None:
    """In a transaction of its own: the failing request's own transaction is rolled back."""
    async with unit_of_work(sessions) as session:
        user = await user_by_email(session, email=email)
        user_id = user.id if user else None
        await record(
            session,
            actor=f"ip:{ip}",
            action="auth.login_failed",
            entity_type="user",
            # Unknown emails are not written down: the log must not collect typed-in addresses.
            entity_id=str(user_id) if user_id else "unknown",
            data={"ip": ip},
        )


async def export_user(session: AsyncSession, *, user_id: uuid.UUID) -> dict[str, Any]:
    """Everything identity holds about the user (GDPR Art. 15/20). Secrets stay out: password
    hashes, refresh-token and API-key hashes are not the user's data to take away."""
    user = await session.get(User, user_id)
    if user is None:
        return {}
    auth_sessions = await session.scalars(
        select(AuthSession).where(AuthSession.user_id == user_id).order_by(AuthSession.id)
    )
    prefs = await session.get(UserPreferences, user_id)
    keys = await session.scalars(
        select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.id)
    )
    return {
        # Sealed columns leave as the plaintext they hold: the export is for the owner.
        "profile": opened_row(user, exclude=frozenset({"password_hash"})),
        "preferences": row_dict(prefs) if prefs else None,
        "sessions": [row_dict(s) for s in auth_sessions],
        "api_keys": [row_dict(k, exclude=frozenset({"secret_hash"})) for k in keys],
    }


async def get_user(session: AsyncSession, *, user_id: uuid.UUID) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise InvalidToken("the account no longer exists")
    return user


async def registered_at(session: AsyncSession, *, user_id: uuid.UUID) -> datetime | None:
    """When the account was opened (monitoring's account age); None for an unknown id."""
    when: datetime | None = await session.scalar(select(User.created_at).where(User.id == user_id))
    return when


async def registered_at_of(
    session: AsyncSession, *, user_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, datetime]:
    """``registered_at`` of several accounts in one query; unknown ids are left out."""
    rows = await session.execute(
        select(User.id, User.created_at).where(User.id.in_(sorted(set(user_ids))))
    )
    return {user_id: created for user_id, created in rows}


async def erase_identity(session: AsyncSession, *, user_id: uuid.UUID, now: datetime) -> None:
    """Pseudonymise the user's identity data in place (GDPR Art. 17). The row and its id stay,
    so financial records that law requires us to keep still add up; nobody can log in as it."""
    user = await session.get(User, user_id, with_for_update=True)
    if user is None or user.erased_at is not None:
        return
    user.email = f"erased-{user.id}@erased.invalid"
    user.full_name = "erased"
    user.password_hash = ERASED_PASSWORD_HASH
    user.erased_at = now
    await session.execute(delete(UserPreferences).where(UserPreferences.user_id == user_id))
    await session.execute(delete(TotpFactor).where(TotpFactor.user_id == user_id))
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    await session.execute(delete(EmailToken).where(EmailToken.user_id == user_id))
    await session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason="erased")
    )
    await session.execute(
        update(AuthSession).where(AuthSession.user_id == user_id).values(ip="erased", user_agent="")
    )
    await session.execute(
        update(ApiKey)
        .where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None) | (ApiKey.revoked_at > now))
        .values(revoked_at=now, revoked_reason="erased")
    )
    await session.execute(update(ApiKey).where(ApiKey.user_id == user_id).values(last_used_ip=None))
    await record(
        session,
        actor=f"user:{user_id}",
        action="user.erased",
        entity_type="user",
        entity_id=str(user_id),
    )
    await session.flush()


async def erased_users(session: AsyncSession, *, erased_before: datetime) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(User.id).where(User.erased_at.is_not(None), User.erased_at < erased_before)
    )
    return list(rows.all())


async def role_of(session: AsyncSession, *, user_id: uuid.UUID) -> str | None:
    """The user's role, or None when there is no such user (e.g. to check an assignee)."""
    user = await session.get(User, user_id)
    return None if user is None else user.role
