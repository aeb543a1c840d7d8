"""The in-process half of bench/identity.py: sealed fields with the stack's keyring, and KEK
rotation against a scratch database and a scratch SoftHSM2 token (so rotating never touches
the keys of the stack being measured)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from identity_figures import Figure, Latency, PerOperation, Section, percentile
from onramp.core.db import create_engine, standalone_sessions, unit_of_work
from onramp.core.db.migrate import upgrade
from onramp.core.keys import (
    PII,
    Hsm,
    Keyring,
    create_data_key,
    install_keyring,
    load_keyring,
    open_keyring,
    rotate_kek,
)
from onramp.core.keys.envelope import field_context
from onramp.core.settings import Settings
from onramp.devstack.softhsm import start_softhsm
from onramp.identity.models import User

SAMPLE_EMAIL = "ada.lovelace@example.com"
# Never verified: the scratch users exist only to give the database rows that rotation skips.
PLACEHOLDER_HASH = "$argon2id$v=19$m=65536,t=3,p=4$bench$not-a-real-hash"
ROTATIONS_PER_CASE = 3


def time_loop(iterations: int, operation: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(iterations):
        operation()
    return time.perf_counter() - start


def sealed_field_figures(keyring: Keyring, iterations: int) -> list[PerOperation]:
    context = field_context("users", "email", uuid.uuid4())
    sealed = keyring.seal(SAMPLE_EMAIL, context=context)
    return [
        PerOperation(
            "Keyring.seal (AES-256-GCM, 24-byte email)",
            iterations,
            time_loop(iterations, lambda: keyring.seal(SAMPLE_EMAIL, context=context)),
        ),
        PerOperation(
            "Keyring.open",
            iterations,
            time_loop(iterations, lambda: keyring.open(sealed, context=context)),
        ),
        PerOperation(
            "Keyring.blind_index (HMAC-SHA256, truncated to 16 bytes)",
            iterations,
            time_loop(iterations, lambda: keyring.blind_index(SAMPLE_EMAIL, domain="users.email")),
        ),
    ]


async def keyring_load_times(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, repeats: int
) -> list[Latency]:
    opened: list[float] = []
    unwrapped: list[float] = []
    hsm = await asyncio.to_thread(Hsm.connect, settings.hsm)
    for _ in range(repeats):
        start = time.perf_counter()
        await open_keyring(sessions, settings.hsm)
        opened.append(time.perf_counter() - start)
        async with unit_of_work(sessions) as session:
            start = time.perf_counter()
            await load_keyring(session, hsm)
            unwrapped.append(time.perf_counter() - start)
    return [
        Latency("open_keyring (HSM login, ensure keys, read + unwrap all)", opened),
        Latency("load_keyring (read data_keys + unwrap each in the HSM)", unwrapped),
    ]


async def measure_sealed_fields(settings: Settings, *, iterations: int) -> Section:
    async with standalone_sessions(settings.database.url) as sessions:
        keyring = await open_keyring(sessions, settings.hsm)
        loads = await keyring_load_times(sessions, settings, repeats=5)
        async with unit_of_work(sessions) as session:
            key_count = await session.scalar(text("SELECT count(*) FROM data_keys"))
    return Section(
        "3. sealed fields in process (keyring from the stack's SoftHSM2 token)",
        [*sealed_field_figures(keyring, iterations), *loads],
        [f"the stack holds {key_count} data keys; each is unwrapped once per process start"],
    )


# --- KEK rotation on a scratch database -----------------------------------------------------


@asynccontextmanager
async def scratch_database(settings: Settings) -> AsyncIterator[str]:
    """A new, empty database beside the stack's (same PostgreSQL server), dropped afterwards."""
    name = f"onramp_bench_keys_{uuid.uuid4().hex[:8]}"
    admin = create_engine(settings.database.url, pool_size=1, max_overflow=0).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(settings.database.url).set(database=name).render_as_string(hide_password=False)
        )
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()


async def timed_rotation(sessions: async_sessionmaker[AsyncSession], hsm: Hsm) -> float:
    start = time.perf_counter()
    async with unit_of_work(sessions) as session:
        await rotate_kek(session, hsm, actor="bench")
    return time.perf_counter() - start


async def rotation_times(sessions: async_sessionmaker[AsyncSession], hsm: Hsm) -> list[float]:
    return [await timed_rotation(sessions, hsm) for _ in range(ROTATIONS_PER_CASE)]


async def add_users(sessions: async_sessionmaker[AsyncSession], count: int) -> None:
    """``count`` customers with sealed email and name, inserted directly (no argon2 per row)."""
    async with unit_of_work(sessions) as session:
        for _ in range(count):
            user = User(id=uuid.uuid4(), password_hash=PLACEHOLDER_HASH)
            user.email = f"scratch.{uuid.uuid4().hex}@example.com"
            user.full_name = "Scratch Customer"
            session.add(user)


async def add_data_keys(sessions: async_sessionmaker[AsyncSession], hsm: Hsm, count: int) -> None:
    async with unit_of_work(sessions) as session:
        for _ in range(count):
            await create_data_key(session, hsm, purpose=PII, actor="bench")


async def count_rows(sessions: async_sessionmaker[AsyncSession], table: str) -> int:
    async with unit_of_work(sessions) as session:
        return int(await session.scalar(text(f"SELECT count(*) FROM {table}")) or 0)  # noqa: S608


def per_key_note(few: Figure, many: list[float], added: int) -> str:
    """What one more data key adds to a rotation (medians), from the two rotation cases."""
    assert isinstance(few, Latency)
    extra = percentile(many, 50) - percentile(few.seconds, 50)
    return (
        f"each extra data key adds about {extra / max(added, 1) * 1000:.1f} ms (one HSM "
        "session, login and unwrap + wrap per key); user rows are never read"
    )


async def measure_rotation(
    settings: Settings, scratch_dir: Path, *, users: int, extra_keys: int
) -> Section:
    token = await asyncio.to_thread(start_softhsm, scratch_dir)
    hsm_settings = token.apply(settings.hsm)
    section = Section("4. KEK rotation (rotate_kek: new KEK in the HSM, re-wrap every data key)")
    async with scratch_database(settings) as url:
        scratch = settings.model_copy(
            update={
                "hsm": hsm_settings,
                "database": settings.database.model_copy(update={"url": url}),
            }
        )
        await asyncio.to_thread(upgrade, url, settings=scratch)
        async with standalone_sessions(url) as sessions:
            install_keyring(await open_keyring(sessions, hsm_settings))
            hsm = await asyncio.to_thread(Hsm.connect, hsm_settings)
            base_keys = await count_rows(sessions, "data_keys")
            section.figures.append(
                Latency(f"{base_keys} data keys, 0 users", await rotation_times(sessions, hsm))
            )
            await add_users(sessions, users)
            section.figures.append(
                Latency(
                    f"{base_keys} data keys, {users} users", await rotation_times(sessions, hsm)
                )
            )
            start = time.perf_counter()
            await add_data_keys(sessions, hsm, extra_keys)
            section.figures.append(
                Latency(f"create_data_key x{extra_keys}", [time.perf_counter() - start])
            )
            keys = await count_rows(sessions, "data_keys")
            many = await rotation_times(sessions, hsm)
            section.figures.append(Latency(f"{keys} data keys, {users} users", many))
    section.notes.append(per_key_note(section.figures[1], many, keys - base_keys))
    section.notes.append(
        "scratch database on the stack's PostgreSQL and a scratch SoftHSM2 token: the stack's "
        f"own keys are not rotated; {ROTATIONS_PER_CASE} rotations per case"
    )
    return section
