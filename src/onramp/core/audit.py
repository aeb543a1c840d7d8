"""Audit log: every state change and staff action, append-only (a database trigger refuses
updates and deletes).

Rows carry no hash yet: chaining them (and ``onramp audit verify``) comes with the compliance
work, by a single sealer that orders and hashes committed rows, so writers never serialise on a
chain head.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String, func, insert
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from onramp.core.db import Base
from onramp.core.ids import uuid7


class AuditRecord(Base):
    __tablename__ = "audit_log"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(100), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


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
