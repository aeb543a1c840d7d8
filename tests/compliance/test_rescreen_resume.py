"""The re-screen job survives a crash: each batch commits with its cursor, a failed batch leaves
nothing behind, and the resumed job raises each finding once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.cases import ComplianceAlert
from onramp.compliance.checkpoints import ListMatchers
from onramp.compliance.models import RescreenJob
from onramp.compliance.rescreen import RescreenHit, RescreenSource, RescreenSubject, run_step
from onramp.core.db import create_engine, session_factory, unit_of_work
from onramp.core.ids import uuid7
from onramp.kyc.rescreen import VerifiedNames
from onramp.orders.holds.rescreen import UnpaidOrders
from onramp.wallets.models import DestinationWallet
from onramp.wallets.rescreen import SavedWallets
from tests.compliance.helpers import TORNADO_2025_03_04, TORNADO_ETH, load

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
async def own_sessions(migrated_database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A database of its own: no running worker takes the job from under the test."""
    engine = create_engine(migrated_database, pool_size=2, max_overflow=2)
    yield session_factory(engine)
    await engine.dispose()


class CrashingWallets(SavedWallets):
    """Saved wallets, but the process dies while handling the second batch's hits."""

    def __init__(self) -> None:
        self.batches = 0

    async def on_hits(
        self, session: AsyncSession, hits: Sequence[RescreenHit], *, now: datetime
    ) -> None:
        self.batches += 1
        if self.batches == 2:
            raise RuntimeError("power cut")
        await super().on_hits(session, hits, now=now)


async def _step(
    sessions: async_sessionmaker[AsyncSession], sources: Sequence[RescreenSource]
) -> bool:
    async with unit_of_work(sessions) as session:
        return await run_step(session, sources=sources, matchers=ListMatchers(), now=NOW, batch=1)


async def test_a_crashed_rescreen_resumes_after_its_last_batch(
    own_sessions: async_sessionmaker[AsyncSession],
) -> None:
    wallets = [uuid7() for _ in range(3)]
    async with unit_of_work(own_sessions) as session:
        for wallet_id in wallets:
            session.add(
                DestinationWallet(
                    id=wallet_id,
                    customer_id=uuid.uuid4(),
                    label="w",
                    address=TORNADO_ETH,
                    created_at=NOW,
                )
            )
    version = await load(own_sessions, TORNADO_2025_03_04)

    crashing = CrashingWallets()
    assert await _step(own_sessions, [VerifiedNames(), crashing, UnpaidOrders()])  # no names
    assert await _step(own_sessions, [VerifiedNames(), crashing, UnpaidOrders()])  # wallet 1
    with pytest.raises(RuntimeError, match="power cut"):
        await _step(own_sessions, [VerifiedNames(), crashing, UnpaidOrders()])  # wallet 2

    async with own_sessions() as session:
        job = await session.scalar(select(RescreenJob))
        assert job is not None
        assert (job.status, job.phase, job.cursor, job.hits) == (
            "running",
            "destination_wallets",
            str(wallets[0]),
            1,
        )
        blocked = await session.scalars(
            select(DestinationWallet.id).where(DestinationWallet.blocked_at.is_not(None))
        )
        assert list(blocked) == [wallets[0]]

    # A new worker picks the job up where the last commit left it.
    sources: list[RescreenSource] = [VerifiedNames(), SavedWallets(), UnpaidOrders()]
    while await _step(own_sessions, sources):
        pass
    async with own_sessions() as session:
        job = await session.scalar(select(RescreenJob))
        assert job is not None
        assert (job.status, job.hits) == ("done", 3)
        assert str(job.version_id) == version
        alerts = await session.scalar(
            select(func.count())
            .select_from(ComplianceAlert)
            .where(ComplianceAlert.subject_type == "destination_wallet")
        )
        assert alerts == 3
        unblocked = await session.scalar(
            select(func.count())
            .select_from(DestinationWallet)
            .where(DestinationWallet.blocked_at.is_(None))
        )
        assert unblocked == 0


async def test_subjects_come_in_key_order_from_every_source(
    own_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with own_sessions() as session:
        assert await VerifiedNames().subjects(session, after=None, limit=10) == []
        subjects: Sequence[RescreenSubject] = await UnpaidOrders().subjects(
            session, after=None, limit=10
        )
        assert subjects == []
