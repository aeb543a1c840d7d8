"""The audit log: every state change and staff action, append-only and hash-chained.

Writers insert plain rows in their own transactions and never wait on each other. A single
sealer (``onramp worker audit``) then chains committed rows in the order it sees them: it gives
each the next sequence number and ``hash = SHA-256(prev_hash || seq || canonical(row))``. The
database lets a row be sealed once and refuses every other change, and ``onramp audit verify``
recomputes the chain: an edited record breaks its hash, a removed one leaves a gap.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import BigInteger, DateTime, Index, LargeBinary, String, func, insert, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.clock import utcnow
from onramp.core.db import Base, standalone_sessions, unit_of_work
from onramp.core.ids import uuid7
from onramp.core.leases import LeaseHolder, LeaseLost
from onramp.core.logging import get_logger

log = get_logger(__name__)

GENESIS = b"\x00" * 32
SEALER_LOCK = 0x0A0D17  # advisory lock: one sealer at a time
SEALER_LEASE = "audit-sealer"  # core/leases.py: the worker's replicas take turns


class AuditRecord(Base):
    __tablename__ = "audit_log"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(100), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_audit_log_unsealed", "id", postgresql_where=text("seq IS NULL")),)


def audit_row(
    *, actor: str, action: str, entity_type: str, entity_id: str, data: Mapping[str, Any]
) -> dict[str, Any]:
    return {
        "id": uuid7(),
        "actor": actor,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "data": dict(data),
    }


async def record_many(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        await session.execute(insert(AuditRecord), [dict(r) for r in rows])


async def record(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    data: Mapping[str, Any] | None = None,
) -> None:
    await record_many(
        session,
        [
            audit_row(
                actor=actor,
                action=action,
                entity_type=entity_type,
                entity_id=entity_id,
                data=data or {},
            )
        ],
    )


def record_hash(prev_hash: bytes, seq: int, row: AuditRecord) -> bytes:
    body = orjson.dumps(
        {
            "id": str(row.id),
            "at": row.at.astimezone(UTC).isoformat(),
            "actor": row.actor,
            "action": row.action,
            "entity_type": row.entity_type,
            "entity_id": row.entity_id,
            "data": row.data,
        },
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(prev_hash + seq.to_bytes(8, "big") + body).digest()


async def seal(session: AsyncSession, *, limit: int = 1000) -> int:
    """Chain up to ``limit`` committed, unsealed records; return how many were sealed."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEALER_LOCK})
    head = (
        await session.execute(
            select(AuditRecord.seq, AuditRecord.hash)
            .where(AuditRecord.seq.is_not(None))
            .order_by(AuditRecord.seq.desc())
            .limit(1)
        )
    ).first()
    seq: int = head[0] if head and head[0] is not None else 0
    prev: bytes = head[1] if head and head[1] is not None else GENESIS
    rows = (
        await session.scalars(
            select(AuditRecord)
            .where(AuditRecord.seq.is_(None))
            .order_by(AuditRecord.id)
            .limit(limit)
            .with_for_update()
        )
    ).all()
    now = utcnow()
    for row in rows:
        seq += 1
        digest = record_hash(prev, seq, row)
        row.seq, row.prev_hash, row.hash, row.sealed_at = seq, prev, digest, now
        prev = digest
    await session.flush()
    return len(rows)


@dataclass(frozen=True)
class AuditVerification:
    sealed: int
    unsealed: int
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems


async def verify(session: AsyncSession, *, chunk: int = 5000) -> AuditVerification:
    """Recompute the chain from the first record; report every break."""
    problems: list[str] = []
    expected_seq, prev, sealed = 1, GENESIS, 0
    while True:
        rows = (
            await session.scalars(
                select(AuditRecord)
                .where(AuditRecord.seq >= expected_seq)
                .order_by(AuditRecord.seq)
                .limit(chunk)
            )
        ).all()
        if not rows:
            break
        for row in rows:
            assert row.seq is not None
            assert row.hash is not None
            if row.seq != expected_seq:
                problems.append(f"records {expected_seq}..{row.seq - 1} are missing")
                prev = row.prev_hash or prev
            if row.prev_hash != prev:
                problems.append(f"record {row.seq} ({row.id}) does not follow its predecessor")
            if record_hash(row.prev_hash or GENESIS, row.seq, row) != row.hash:
                problems.append(f"record {row.seq} ({row.id}) was changed after it was sealed")
            prev, expected_seq = row.hash, row.seq + 1
            sealed += 1
    unsealed = await session.scalar(
        select(func.count()).select_from(AuditRecord).where(AuditRecord.seq.is_(None))
    )
    return AuditVerification(sealed=sealed, unsealed=int(unsealed or 0), problems=problems)


async def run_sealer(
    sessions: async_sessionmaker[AsyncSession],
    *,
    stop: asyncio.Event,
    idle: float = 0.5,
    lease_ttl: timedelta = timedelta(seconds=15),
) -> None:
    """``onramp worker audit``: seal committed records as they arrive, while this replica holds
    the sealer's lease (the others wait for it); each seal checks the lease's token in its own
    transaction, and a lost lease ends the worker (``LeaseLost``; its host starts it again,
    waiting for the lease)."""
    writer = LeaseHolder(sessions, SEALER_LEASE, ttl=lease_ttl)
    if await writer.acquire(stop) is None:
        return
    log.info("audit_sealer.started")
    try:
        await _seal_until(sessions, writer, stop=stop, idle=idle)
    finally:
        await writer.close()
    log.info("audit_sealer.stopped")


async def _seal_until(
    sessions: async_sessionmaker[AsyncSession],
    writer: LeaseHolder,
    *,
    stop: asyncio.Event,
    idle: float,
) -> None:
    while not stop.is_set():
        if writer.lost.is_set():
            raise LeaseLost("the audit sealer's lease was lost")
        try:
            async with unit_of_work(sessions) as session:
                await writer.fence(session)
                sealed = await seal(session)
        except LeaseLost:
            raise
        except Exception:
            log.exception("audit_sealer.failed")
            sealed = 0
        if sealed == 0:
            try:
                await asyncio.wait_for(stop.wait(), timeout=idle)
            except TimeoutError:
                pass


async def verify_database(database_url: str, *, seal_first: bool = False) -> AuditVerification:
    """Verify the chain of the database at ``database_url`` on a connection of its own."""
    async with standalone_sessions(database_url) as sessions:
        if seal_first:
            async with unit_of_work(sessions) as session:
                while await seal(session):
                    pass
        async with unit_of_work(sessions) as session:
            return await verify(session)


async def records_about(
    session: AsyncSession, *, entity_id: str, actions: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Audit records about an entity or done by it as actor (for a data-subject export), or
    only those of ``actions``."""
    query = select(AuditRecord).where(
        (AuditRecord.entity_id == entity_id) | (AuditRecord.actor == f"user:{entity_id}")
    )
    if actions is not None:
        query = query.where(AuditRecord.action.in_(actions))
    rows = await session.scalars(query.order_by(AuditRecord.id))
    return [
        {
            "at": r.at.isoformat(),
            "actor": r.actor,
            "action": r.action,
            "entity_type": r.entity_type,
            "entity_id": r.entity_id,
            "data": r.data,
        }
        for r in rows
    ]


async def actions_on(
    session: AsyncSession, *, entity_type: str, entity_ids: Sequence[str], prefix: str
) -> list[AuditRecord]:
    """The records of actions named ``prefix…`` on any of ``entity_ids``, newest first."""
    if not entity_ids:
        return []
    query = select(AuditRecord).where(
        AuditRecord.entity_type == entity_type,
        AuditRecord.entity_id.in_(entity_ids),
        AuditRecord.action.startswith(prefix, autoescape=True),
    )
    return list((await session.scalars(query.order_by(AuditRecord.id.desc()))).all())
