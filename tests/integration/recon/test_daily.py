"""The daily run and the breaks command: the recon worker reconciles yesterday once however
often it asks, and ``onramp recon breaks --state open --json`` lists the open breaks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onramp.core.db import unit_of_work
from onramp.devstack.stack import Stack
from onramp.recon import ReconRun, run_yesterday_once
from onramp.runtime import WORKERS
from tests.integration.recon.test_bank_recon import _bank, _day, _run, _webhook


async def test_the_worker_reconciles_yesterday_once_a_day(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day = _day()
    now = datetime.combine(day + timedelta(days=1), time(0, 5), tzinfo=UTC)

    async with unit_of_work(sessions) as session:
        first = await run_yesterday_once(session, now)
    async with unit_of_work(sessions) as session:
        again = await run_yesterday_once(session, now + timedelta(hours=5))

    assert (first, again) == (1, 0)
    async with sessions() as session:
        runs = await session.scalar(
            select(func.count())
            .select_from(ReconRun)
            .where(ReconRun.run_date == day, ReconRun.requested_by == "worker:recon")
        )
    assert runs == 1
    assert "recon" in WORKERS


async def test_the_breaks_command_lists_the_open_breaks_as_json(
    infra: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    day, bank = _day(), _bank()
    await _webhook(sessions, bank, day, "cli-b1", 4_56)
    (found,) = (await _run(sessions, day)).breaks

    done = subprocess.run(
        [sys.executable, "-m", "onramp", "recon", "breaks", "--state", "open", "--json"],
        capture_output=True, text=True, env=os.environ | infra.env(), timeout=120, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)["breaks"]
    assert {b["state"] for b in listed} == {"open"}
    (mine,) = [b for b in listed if b["id"] == str(found.id)]
    assert (mine["type"], mine["reference"], mine["amount"], mine["bank"]) == (
        "timing", "cli-b1", 4_56, bank,
    )  # fmt: skip
