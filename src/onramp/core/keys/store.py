"""Key management against the database and the HSM: bootstrap, new data keys, KEK rotation.

Every change takes one advisory lock, so two processes starting at once create one key per
purpose, and a rotation never misses a data key created beside it. HSM calls block: they run in
a worker thread.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.audit import record
from onramp.core.clock import utcnow
from onramp.core.db import unit_of_work
from onramp.core.errors import Conflict, InvalidInput
from onramp.core.keys.hsm import Hsm
from onramp.core.keys.keyring import (
    BLIND_INDEX,
    PURPOSES,
    Keyring,
    WrappedKey,
    install_keyring,
    process_keyring,
)
from onramp.core.keys.models import DataKey
from onramp.core.logging import get_logger
from onramp.core.settings import HsmSettings

log = get_logger(__name__)

KEYRING_LOCK = 0x0DA7A_CE1  # pg_advisory_xact_lock key for data-key changes


class UnknownKeyPurpose(InvalidInput):
    code = "unknown_key_purpose"
    title = "No such data-key purpose"


class BlindIndexKeyFixed(Conflict):
    code = "blind_index_key_fixed"
    title = "The blind-index key cannot be replaced without re-indexing"


@dataclass(frozen=True)
class KekRotation:
    old_keks: tuple[str, ...]
    new_kek: str
    rewrapped: int


async def _lock(session: AsyncSession) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": KEYRING_LOCK})


async def _insert_data_key(
    session: AsyncSession, hsm: Hsm, *, purpose: str, now: datetime, actor: str
) -> DataKey:
    kek = await asyncio.to_thread(hsm.current_kek)
    _, wrapped = await asyncio.to_thread(hsm.generate_data_key, kek)
    key = DataKey(purpose=purpose, wrapped=wrapped, kek_label=kek, created_at=now, active=True)
    session.add(key)
    await session.flush()
    await record(
        session,
        actor=actor,
        action="keys.data_key_created",
        entity_type="data_key",
        entity_id=str(key.id),
        data={"purpose": purpose, "kek": kek},
    )
    return key


async def ensure_data_keys(session: AsyncSession, hsm: Hsm) -> None:
    """Create the first data key of each purpose that has none (a new installation)."""
    await _lock(session)
    have = set(await session.scalars(select(DataKey.purpose).where(DataKey.active)))
    for purpose in PURPOSES:
        if purpose not in have:
            await _insert_data_key(session, hsm, purpose=purpose, now=utcnow(), actor="system:keys")


async def create_data_key(session: AsyncSession, hsm: Hsm, *, purpose: str, actor: str) -> DataKey:
    """A new active data key for ``purpose``: new writes use it, and the old one stays to open
    what it sealed (no row is re-encrypted)."""
    if purpose not in PURPOSES:
        raise UnknownKeyPurpose(f"purpose must be one of {', '.join(PURPOSES)}")
    if purpose == BLIND_INDEX:
        # Every stored index was computed with the current key: a new one would stop every
        # lookup from matching until all rows are re-indexed.
        raise BlindIndexKeyFixed()
    await _lock(session)
    await session.execute(
        update(DataKey).where(DataKey.purpose == purpose, DataKey.active).values(active=False)
    )
    return await _insert_data_key(session, hsm, purpose=purpose, now=utcnow(), actor=actor)


async def rotate_kek(session: AsyncSession, hsm: Hsm, *, actor: str) -> KekRotation:
    """Generate a new KEK in the HSM and re-wrap every data key with it, in this transaction.

    Rows sealed with the data keys are untouched: the data keys themselves do not change. The
    old KEKs stay in the token (backups of ``data_keys`` still need them); removing them is a
    separate, deliberate step for the token's security officer.
    """
    await _lock(session)
    keys = list(await session.scalars(select(DataKey).order_by(DataKey.id).with_for_update()))
    new_kek = await asyncio.to_thread(hsm.new_kek)
    old = tuple(sorted({k.kek_label for k in keys}))
    now = utcnow()
    for key in keys:
        key.wrapped = await asyncio.to_thread(
            hsm.rewrap, key.wrapped, from_kek=key.kek_label, to_kek=new_kek
        )
        key.kek_label, key.rewrapped_at = new_kek, now
    await session.flush()
    rotation = KekRotation(old_keks=old, new_kek=new_kek, rewrapped=len(keys))
    await record(
        session,
        actor=actor,
        action="keys.kek_rotated",
        entity_type="kek",
        entity_id=new_kek,
        data={"old_keks": list(old), "rewrapped": len(keys)},
    )
    return rotation


async def wrapped_keys(session: AsyncSession) -> list[WrappedKey]:
    rows = await session.scalars(select(DataKey).order_by(DataKey.id))
    return [WrappedKey(r.id, r.purpose, r.wrapped, r.kek_label, r.active) for r in rows]


async def load_keyring(session: AsyncSession, hsm: Hsm) -> Keyring:
    rows = await wrapped_keys(session)
    return await asyncio.to_thread(Keyring.unwrapped, rows, hsm.unwrap)


async def keep_keyring_fresh(
    sessions: async_sessionmaker[AsyncSession], settings: HsmSettings, *, interval: float
) -> None:
    """Pick up data keys made by another process (``onramp keys new-data-key``) without a
    restart: until then this process could neither open what they sealed nor seal with them.
    A failed round is logged and retried; the keys already loaded keep working."""
    hsm: Hsm | None = None
    while True:
        await asyncio.sleep(interval)
        try:
            if hsm is None:
                hsm = await asyncio.to_thread(Hsm.connect, settings)
            async with unit_of_work(sessions) as session:
                rows = await wrapped_keys(session)
            current = process_keyring()
            fresh = await asyncio.to_thread(current.refreshed, rows, hsm.unwrap)
            if fresh is not current:
                install_keyring(fresh)
                log.info("keyring.refreshed", keys=len(rows))
        except Exception:
            log.exception("keyring.refresh_failed")


async def open_keyring(
    sessions: async_sessionmaker[AsyncSession], settings: HsmSettings
) -> Keyring:
    """Start-up: connect to the HSM (a clear error now if it cannot be used), create missing
    data keys, unwrap them all."""
    hsm = await asyncio.to_thread(Hsm.connect, settings)
    async with unit_of_work(sessions) as session:
        await ensure_data_keys(session, hsm)
    async with unit_of_work(sessions) as session:
        return await load_keyring(session, hsm)
