"""Step-up: a second factor proved recently in this session, for sensitive actions."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from onramp.auth.credentials import credential_store
from onramp.auth.errors import MfaEnrollmentRequired, StepUpRequired
from onramp.auth.tokens import Principal


async def require_recent_mfa(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    mfa_at: datetime | None,
    now: datetime,
    max_age: timedelta,
) -> None:
    """For sensitive actions: a second factor proved within ``max_age`` in this session."""
    if mfa_at is not None and now - mfa_at <= max_age:
        return
    if not await credential_store().second_factor_enrolled(session, user_id=user_id):
        raise MfaEnrollmentRequired()
    raise StepUpRequired()


async def require_step_up(
    session: AsyncSession, *, principal: Principal, now: datetime, max_age: timedelta
) -> None:
    """Step-up for actions above a threshold (large orders). An API key counts as the
    corporate client's strong authentication: it could only be created or rotated after a
    fresh second factor, its 256-bit secret cannot be phished like a password, and it carries
    the scope explicitly. Managing keys themselves is never open to a key (not delegable)."""
    if principal.api_key_id is not None:
        return
    await require_recent_mfa(
        session, user_id=principal.user_id, mfa_at=principal.mfa_at, now=now, max_age=max_age
    )
