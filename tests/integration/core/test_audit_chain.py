"""The audit log's hash chain: sealed once, and any edit or removal is detected."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core import audit
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7


async def _record_and_seal(sessions: async_sessionmaker[AsyncSession], n: int) -> list[str]:
    ids = []
    async with unit_of_work(sessions) as session:
        for i in range(n):
            entity = str(uuid7())
            ids.append(entity)
            await audit.record(
                session,
                actor="test:audit",
                action="thing.happened",
                entity_type="thing",
                entity_id=entity,
                data={"i": i, "note": "ünïcode ok", "nested": {"b": 2, "a": 1}},
            )
    async with unit_of_work(sessions) as session:
        while await audit.seal(session):
            pass
    return ids


async def test_sealed_records_form_an_intact_chain(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ids = await _record_and_seal(sessions, 25)
    async with unit_of_work(sessions) as session:
        rows = (
            await session.scalars(
                select(audit.AuditRecord).where(audit.AuditRecord.entity_id.in_(ids))
            )
        ).all()
        result = await audit.verify(session)
    assert all(r.seq is not None and r.hash is not None for r in rows)
    assert result.intact, result.problems
    assert result.sealed >= 25


async def test_a_changed_record_is_detected(sessions: async_sessionmaker[AsyncSession]) -> None:
    ids = await _record_and_seal(sessions, 3)
    async with sessions() as session, session.begin():
        # What an attacker with the database owner's rights could do, rolled back afterwards.
        await session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        await session.execute(
            text("UPDATE audit_log SET data = '{\"i\": 999}' WHERE entity_id = :e"), {"e": ids[1]}
        )
        result = await audit.verify(session)
        await session.rollback()
    assert not result.intact
    assert any("changed after it was sealed" in p for p in result.problems)


async def test_a_removed_record_is_detected(sessions: async_sessionmaker[AsyncSession]) -> None:
    ids = await _record_and_seal(sessions, 3)
    async with sessions() as session, session.begin():
        await session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        await session.execute(text("DELETE FROM audit_log WHERE entity_id = :e"), {"e": ids[1]})
        result = await audit.verify(session)
        await session.rollback()
    assert any("missing" in p for p in result.problems)


async def test_the_database_allows_sealing_once_and_nothing_else(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ids = await _record_and_seal(sessions, 1)
    statements = [
        "UPDATE audit_log SET hash = '\\x00' WHERE entity_id = :e",
        "UPDATE audit_log SET seq = NULL, hash = NULL WHERE entity_id = :e",
        "UPDATE audit_log SET actor = 'mallory' WHERE entity_id = :e",
        "DELETE FROM audit_log WHERE entity_id = :e",
    ]
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"):
            async with unit_of_work(sessions) as session:
                await session.execute(text(statement), {"e": ids[0]})
    # An unsealed record cannot be altered while being sealed either (one transaction, so no
    # running sealer sees the record first).
    entity = str(uuid7())
    async with unit_of_work(sessions) as session:
        await audit.record(
            session, actor="test:audit", action="x", entity_type="thing", entity_id=entity
        )
        with pytest.raises(DBAPIError, match="append-only"):
            await session.execute(
                text(
                    "UPDATE audit_log SET seq = -1, hash = '\\x01', actor = 'mallory' "
                    "WHERE entity_id = :e AND seq IS NULL"
                ),
                {"e": entity},
            )
        await session.rollback()
