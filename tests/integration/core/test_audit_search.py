"""Finding audit records (``core.audit_search``): each filter narrows, pages follow each other
newest first, a bad filter is refused, and the chain's state names its head."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core import audit
from onramp.core.audit_search import AuditFilter, AuditFilterInvalid, chain_status, search_records
from onramp.core.db import unit_of_work
from onramp.core.ids import uuid7


async def test_filters_narrow_and_pages_follow_each_other(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    actor, thing = f"test:{uuid7()}", str(uuid7())
    async with unit_of_work(sessions) as session:
        for action in ("thing.made", "thing.changed", "other.done"):
            await audit.record(
                session, actor=actor, action=action, entity_type="thing", entity_id=thing
            )
    async with unit_of_work(sessions) as session:
        mine = await search_records(session, AuditFilter(actor=actor), limit=10)
        assert [r.action for r in mine] == ["other.done", "thing.changed", "thing.made"]
        prefix = await search_records(session, AuditFilter(actor=actor, action="thing."), limit=10)
        assert [r.action for r in prefix] == ["thing.changed", "thing.made"]
        exact = await search_records(session, AuditFilter(actor=actor, action="thing"), limit=10)
        assert exact == []
        first = await search_records(session, AuditFilter(entity_id=thing), limit=2)
        rest = await search_records(
            session, AuditFilter(entity_id=thing), limit=2, before=first[-1].id
        )
        assert [r.action for r in first + rest] == [r.action for r in mine]
        now = datetime.now(UTC)
        later = AuditFilter(actor=actor, since=now + timedelta(hours=1))
        assert await search_records(session, later, limit=10) == []
        around = AuditFilter(actor=actor, since=now - timedelta(hours=1), until=now + timedelta(1))
        assert len(await search_records(session, around, limit=10)) == 3


def test_a_bad_filter_is_refused() -> None:
    now = datetime.now(UTC)
    with pytest.raises(AuditFilterInvalid):
        AuditFilter(since=now, until=now)
    with pytest.raises(AuditFilterInvalid):
        AuditFilter(since=datetime(2030, 1, 1))  # no zone


async def test_the_chain_status_names_its_head(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with unit_of_work(sessions) as session:
        await audit.record(session, actor="test:chain", action="a", entity_type="t", entity_id="1")
    async with unit_of_work(sessions) as session:
        while await audit.seal(session):
            pass
    async with unit_of_work(sessions) as session:
        now = datetime.now(UTC)
        status = await chain_status(session, now=now)
        with pytest.raises(AuditFilterInvalid):
            await search_records(session, AuditFilter(), limit=0)
    assert status.checked_at == now
    assert status.last_seq is not None
    assert status.last_sealed_at is not None
    assert status.intact is (status.problems == ())
    if status.intact:
        assert status.sealed == status.last_seq  # every record from the first, no gap
