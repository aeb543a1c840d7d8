"""Lockout after failed logins, per account and per IP, with exponential backoff.

An account is keyed by a hash of the typed email whether or not such an account exists, so the
answers (401, then 429 with Retry-After) never reveal which emails are registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core import metrics
from onramp.core.db import unit_of_work
from onramp.core.errors import TooManyRequests
from onramp.core.keys import process_keyring
from onramp.core.settings import AuthSettings
from onramp.identity.models import LoginThrottle


class LoginLocked(TooManyRequests):
    code = "login_locked"
    title = "Too many failed logins; try again later"


@dataclass(frozen=True)
class LockoutPolicy:
    account_threshold: int
    ip_threshold: int
    base: timedelta
    cap: timedelta
    window: timedelta

    @classmethod
    def from_settings(cls, auth: AuthSettings) -> LockoutPolicy:
        return cls(
            account_threshold=auth.lockout_threshold,
            ip_threshold=auth.ip_lockout_threshold,
            base=timedelta(seconds=auth.lockout_base_seconds),
            cap=timedelta(seconds=auth.lockout_max_seconds),
            window=timedelta(seconds=auth.lockout_window_seconds),
        )

    def lock_for(self, failures: int, threshold: int) -> timedelta | None:
        if failures < threshold:
            return None
        backoff: timedelta = self.base * (2 ** min(failures - threshold, 30))
        return min(self.cap, backoff)


def account_key(email: str) -> str:
    """A keyed HMAC of the typed email (not a plain hash: the table must not let anyone with a
    list of addresses find out who tried to log in), separate from the users' own index."""
    return process_keyring().blind_index(email.strip().lower(), domain="login_throttles").hex()


async def check(session: AsyncSession, *, email: str, ip: str, now: datetime) -> None:
    """Raise LoginLocked while the account or the IP is locked."""
    rows = await session.execute(
        select(LoginThrottle.locked_until).where(
            ((LoginThrottle.scope == "account") & (LoginThrottle.key == account_key(email)))
            | ((LoginThrottle.scope == "ip") & (LoginThrottle.key == ip))
        )
    )
    until = max((u for (u,) in rows if u is not None and u > now), default=None)
    if until is not None:
        raise LoginLocked(retry_after=(until - now).total_seconds())


async def record_failure(
    sessions: async_sessionmaker[AsyncSession],
    *,
    policy: LockoutPolicy,
    email: str,
    ip: str,
    now: datetime,
) -> None:
    """Count a failure (in a transaction of its own: the failing request's is rolled back)."""
    locked: list[str] = []
    async with unit_of_work(sessions) as session:
        for scope, key, threshold in (
            ("account", account_key(email), policy.account_threshold),
            ("ip", ip, policy.ip_threshold),
        ):
            await session.execute(
                insert(LoginThrottle)
                .values(scope=scope, key=key, failures=0, last_failure_at=now)
                .on_conflict_do_nothing()
            )
            row = await session.get(LoginThrottle, (scope, key), with_for_update=True)
            assert row is not None
            if now - row.last_failure_at > policy.window:
                row.failures = 0  # an old streak is forgiven
            row.failures += 1
            row.last_failure_at = now
            lock = policy.lock_for(row.failures, threshold)
            row.locked_until = now + lock if lock else None
            if lock:
                locked.append(scope)
    metrics.login_failed(locked)


async def clear_account(session: AsyncSession, *, email: str) -> None:
    """After a successful login the account's streak ends (the IP's does not: one working
    password must not let an address keep guessing others)."""
    await session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.scope == "account", LoginThrottle.key == account_key(email)
        )
    )
