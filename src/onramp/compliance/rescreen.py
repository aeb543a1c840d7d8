"""Re-screening after a list update: every verified customer and every active destination
address against the latest lists.

``load_version`` enqueues a ``RescreenJob`` in the load's own transaction, so an update is
never loaded without its re-screen. ``onramp worker rescreen`` works the job one batch per
transaction: the batch's records, alerts and effects commit together with the job's cursor, so a
crash resumes after the last committed batch (and a replayed batch raises nothing twice: alerts
are deduplicated on the list version and the subject).

The subjects come from other domains (KYC names, saved wallets, unpaid orders) through
``RescreenSource``: compliance depends on no domain, the worker wires the sources in.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.compliance.cases import AlertDraft, raise_alerts
from onramp.compliance.checkpoints import (
    Finding,
    ListMatchers,
    Matchers,
    Screened,
    alert_for,
    record_screens,
    screen_address,
    screen_name,
)
from onramp.compliance.models import RescreenJob
from onramp.core.audit import record
from onramp.core.clock import Clock
from onramp.core.db import unit_of_work
from onramp.core.faults import crash_point
from onramp.core.logging import get_logger

log = get_logger(__name__)
POINT = "rescreen"
ACTOR = "system:rescreen"


@dataclass(frozen=True)
class RescreenSubject:
    """One thing to screen: a name (with date of birth and country when known) or an address."""

    key: str  # the source's cursor: unique, and subjects come in ascending key order
    customer_id: uuid.UUID
    subject_type: str
    subject_id: str
    name: str | None = None
    date_of_birth: str | None = None
    country: str | None = None
    address: str | None = None
    order_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RescreenHit:
    subject: RescreenSubject
    finding: Finding
    version_id: uuid.UUID  # the list version whose load triggered the re-screen


class RescreenSource(Protocol):
    """Subjects of one domain, in key order, and what a hit on one of them stops."""

    @property
    def name(self) -> str: ...

    async def subjects(
        self, session: AsyncSession, *, after: str | None, limit: int
    ) -> Sequence[RescreenSubject]: ...

    async def on_hits(
        self, session: AsyncSession, hits: Sequence[RescreenHit], *, now: datetime
    ) -> None: ...


def _screen(subject: RescreenSubject, matchers: Matchers | None) -> Finding:
    if subject.address is not None:
        return screen_address(matchers, subject.address)
    return screen_name(matchers, subject.name or "", subject.date_of_birth, subject.country)


def _phase_after(sources: Sequence[RescreenSource], phase: str | None) -> str | None:
    names = [s.name for s in sources]
    if phase is None:
        return names[0] if names else None
    index = names.index(phase) + 1 if phase in names else len(names)
    return names[index] if index < len(names) else None


async def run_step(
    session: AsyncSession,
    *,
    sources: Sequence[RescreenSource],
    matchers: ListMatchers,
    now: datetime,
    batch: int,
) -> bool:
    """Work one batch of the oldest open job; False when no job is open (or free)."""
    job = await _open_job(session, sources)
    if job is None:
        return False
    current = await matchers.current(session)
    if current is not None and str(job.version_id) not in current.versions:
        # A newer version of the same list was loaded since: its own job screens everyone
        # against it, so this one stops here.
        await _finish(session, job, now, superseded=True)
        return True
    source = next((s for s in sources if s.name == job.phase), None)
    subjects = (
        await source.subjects(session, after=job.cursor, limit=batch) if source is not None else []
    )
    screens, hits = _screen_batch(subjects, current, job.version_id)
    await record_screens(session, screens, now)
    if hits:
        await raise_alerts(session, [_alert(h) for h in hits], now=now, actor=ACTOR)
        assert source is not None
        await source.on_hits(session, hits, now=now)
    await _advance(session, job, sources, subjects, hits=len(hits), batch=batch, now=now)
    await session.flush()
    crash_point("rescreen.before_commit")
    return True


async def _open_job(session: AsyncSession, sources: Sequence[RescreenSource]) -> RescreenJob | None:
    """The oldest job not done, locked (one another worker holds is skipped); a pending one
    starts at the first source."""
    job = await session.scalar(
        select(RescreenJob)
        .where(RescreenJob.status != "done")
        .order_by(RescreenJob.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if job is not None and job.status == "pending":
        job.status = "running"
        job.phase = _phase_after(sources, None)
        job.cursor = None
    return job


def _screen_batch(
    subjects: Sequence[RescreenSubject], current: Matchers | None, version_id: uuid.UUID
) -> tuple[list[Screened], list[RescreenHit]]:
    """Every subject's screen record, and the hits among them."""
    screens: list[Screened] = []
    hits: list[RescreenHit] = []
    for subject in subjects:
        finding = _screen(subject, current)
        screens.append(
            Screened(POINT, subject.subject_type, subject.subject_id, subject.customer_id, finding)
        )
        if finding.hit:
            hits.append(RescreenHit(subject, finding, version_id))
    return screens, hits


def _alert(hit: RescreenHit) -> AlertDraft:
    """A hit's alert: it holds the subject's order when the subject is an unpaid order's."""
    return alert_for(
        Screened(
            POINT,
            hit.subject.subject_type,
            hit.subject.subject_id,
            hit.subject.customer_id,
            hit.finding,
        ),
        dedupe_key=_dedupe_key(hit),
        hold=hit.subject.order_id is not None,
        order_id=hit.subject.order_id,
    )


async def _advance(
    session: AsyncSession,
    job: RescreenJob,
    sources: Sequence[RescreenSource],
    subjects: Sequence[RescreenSubject],
    *,
    hits: int,
    batch: int,
    now: datetime,
) -> None:
    """Count the batch and move the cursor: on within the source after a full batch, else to
    the next source; the job is done after the last."""
    job.screened += len(subjects)
    job.hits += hits
    if len(subjects) == batch:
        job.cursor = subjects[-1].key
    else:
        job.phase = _phase_after(sources, job.phase)
        job.cursor = None
        if job.phase is None:
            await _finish(session, job, now, superseded=False)


def _dedupe_key(hit: RescreenHit) -> str:
    """One alert per subject per list state: keyed on the newest version screened against
    (uuid7 ids sort by load time), so a replayed batch raises nothing twice and the next
    update raises a still-listed subject again."""
    version = max(hit.finding.versions) if hit.finding.versions else str(hit.version_id)
    return f"rescreen:{version}:{hit.subject.subject_type}:{hit.subject.subject_id}"


async def _finish(
    session: AsyncSession, job: RescreenJob, now: datetime, *, superseded: bool
) -> None:
    job.status = "done"
    job.finished_at = now
    await record(
        session,
        actor=ACTOR,
        action="sanctions.rescreen_done",
        entity_type="sanctions_list_version",
        entity_id=str(job.version_id),
        data={
            "job_id": str(job.id),
            "screened": job.screened,
            "hits": job.hits,
            "superseded": superseded,
        },
    )


async def run_rescreens(
    sessions: async_sessionmaker[AsyncSession],
    *,
    sources: Sequence[RescreenSource],
    matchers: ListMatchers,
    clock: Clock,
    stop: asyncio.Event,
    idle: float,
    batch: int = 200,
) -> None:
    log.info("rescreen.started", sources=[s.name for s in sources])
    while not stop.is_set():
        try:
            async with unit_of_work(sessions) as session:
                worked = await run_step(
                    session, sources=sources, matchers=matchers, now=clock.now(), batch=batch
                )
        except Exception:
            log.exception("rescreen.failed")
            worked = False
        if not worked:
            try:
                await asyncio.wait_for(stop.wait(), timeout=idle)
            except TimeoutError:
                pass
    log.info("rescreen.stopped")
