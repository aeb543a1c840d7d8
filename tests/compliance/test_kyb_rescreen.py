"""A list update re-screens the beneficial owners of live business cases: an approved business
whose owner is listed since loses its tier until compliance decides, with a holding alert."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.cases import ComplianceAlert
from onramp.compliance.checkpoints import ListMatchers
from onramp.compliance.rescreen import run_step
from onramp.core.audit import AuditRecord
from onramp.core.db import create_engine, session_factory, unit_of_work
from onramp.core.ids import uuid7
from onramp.kyc import tier_of
from onramp.kyc.models import KycCase, KycUbo
from onramp.kyc.rescreen import KybOwners
from tests.compliance.helpers import CURRENT, load

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
async def own_sessions(migrated_database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A database of its own: no running worker takes the job from under the test."""
    engine = create_engine(migrated_database, pool_size=2, max_overflow=2)
    yield session_factory(engine)
    await engine.dispose()


async def _approved_business(
    sessions: async_sessionmaker[AsyncSession], owners: list[tuple[str, str, str, str]]
) -> KycCase:
    customer_id = uuid.uuid4()
    async with unit_of_work(sessions) as session:
        case = KycCase(
            id=uuid7(),
            customer_id=customer_id,
            kind="business",
            tier_requested=3,
            tier_granted=3,
            status="approved",
            vendor="sandbox",
            attempts=1,
            reasons=[],
            document_types=["certificate_of_incorporation", "passport", "register_extract"],
            legal_name="Analytical Engines GmbH",
            registration_number="HRB 1",
            incorporation_country="DE",
            created_at=NOW,
            submitted_at=NOW,
            reviewed_at=NOW,
            expires_at=NOW + timedelta(days=365),
        )
        session.add(case)
        await session.flush()
        for position, (given, surname, born, nationality) in enumerate(owners):
            session.add(
                KycUbo(
                    id=uuid7(),
                    case_id=case.id,
                    customer_id=customer_id,
                    attempt=1,
                    position=position,
                    ownership_percent=Decimal("50"),
                    document_types=["passport"],
                    given_names=given,
                    surname=surname,
                    date_of_birth=born,
                    nationality=nationality,
                    screening_decision="clear",
                    screened_at=NOW,
                )
            )
    return case


async def test_a_newly_listed_owner_holds_an_approved_business(
    own_sessions: async_sessionmaker[AsyncSession],
) -> None:
    held = await _approved_business(
        own_sessions,
        [("Grace", "Hopper", "1976-12-09", "US"), ("Roman", "Semenov", "1987-11-08", "RU")],
    )
    fine = await _approved_business(own_sessions, [("Alan", "Turing", "1962-06-23", "GB")])
    async with own_sessions() as session:
        assert await tier_of(session, held.customer_id, NOW) == 3
    await load(own_sessions, CURRENT)
    while True:
        async with unit_of_work(own_sessions) as session:
            if not await run_step(
                session, sources=[KybOwners()], matchers=ListMatchers(), now=NOW, batch=2
            ):
                break

    async with own_sessions() as session:
        assert await tier_of(session, held.customer_id, NOW) == 0
        assert await tier_of(session, fine.customer_id, NOW) == 3
        case = await session.get(KycCase, held.id)
        assert case is not None
        assert (case.status, case.hold_reason, case.reasons) == (
            "approved",
            "UBO_SANCTIONS_HIT",
            ["UNDER_REVIEW"],
        )
        ubos = (
            await session.scalars(
                select(KycUbo).where(KycUbo.case_id == held.id).order_by(KycUbo.position)
            )
        ).all()
        assert [u.screening_decision for u in ubos] == ["clear", "hit"]
        alerts = (
            await session.scalars(
                select(ComplianceAlert)
                .where(ComplianceAlert.subject_id == str(ubos[1].id))
                .order_by(ComplianceAlert.source)
            )
        ).all()
        assert [(a.source, a.kind, a.action) for a in alerts] == [
            ("kyc", "ubo_sanctions_hit", "hold"),
            ("screening", "sanctions_name", "alert"),
        ]
        assert alerts[0].evidence["entry_uid"] == "44718"
        actions = await session.scalars(
            select(AuditRecord.action).where(AuditRecord.entity_id == str(held.id))
        )
        assert list(actions) == ["kyc.case_held"]
        untouched = await session.get(KycCase, fine.id)
        assert untouched is not None
        assert untouched.hold_reason is None
