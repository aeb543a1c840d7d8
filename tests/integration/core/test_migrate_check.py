"""``onramp migrate --check`` (core/db/migrate.py): a contract step is refused while a process
of the old colour (announcing another migration head) is alive, and allowed once it is gone;
expand steps always go. On a database of its own, migrated to head and then told it is one step
behind (that step marked contract for the test)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from typer.testing import CliRunner

from onramp.core.db import create_engine, migrate, session_factory
from onramp.core.db.migrate import alembic_config, code_head, upgrade
from onramp.core.db.versions import keep_announcing
from onramp.runtime.cli import app


async def _sql(url: str, statement: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetch(statement, *args)
    finally:
        await conn.close()


def _one_behind() -> str:
    """The revision before the code's head (the old colour's head)."""
    from alembic.script import ScriptDirectory

    down = ScriptDirectory.from_config(alembic_config("")).get_revision(code_head()).down_revision
    assert isinstance(down, str)
    return down


PREVIOUS = _one_behind()

ANNOUNCED = (
    "INSERT INTO running_versions (process, head, started_at, seen_at)"
    " VALUES ($1, $2, now(), now() - make_interval(secs => $3))"
)


@pytest.fixture
def behind(scratch_database: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The scratch database at head, recorded as one step behind; that step is a contract."""
    upgrade(scratch_database)
    last = code_head()
    asyncio.run(_sql(scratch_database, "UPDATE alembic_version SET version_num = $1", PREVIOUS))
    real = migrate._phase
    monkeypatch.setattr(
        migrate, "_phase", lambda rev: "contract" if rev.revision == last else real(rev)
    )
    monkeypatch.setenv("ONRAMP_DATABASE__URL", scratch_database)
    return scratch_database


def _old_colour(url: str, *, seconds_ago: int) -> None:
    asyncio.run(_sql(url, ANNOUNCED, "api@blue:1", PREVIOUS, float(seconds_ago)))


def test_a_contract_step_is_refused_while_the_old_colour_runs(behind: str) -> None:
    _old_colour(behind, seconds_ago=5)
    result = CliRunner().invoke(app, ["migrate", "--check"])
    assert result.exit_code == 1
    assert "contract_while_old_colour_runs" in result.output
    assert f"api@blue:1 (head {PREVIOUS})" in result.output
    result = CliRunner().invoke(app, ["migrate"])  # the migration itself refuses too
    assert result.exit_code == 1
    version = asyncio.run(_sql(behind, "SELECT version_num FROM alembic_version"))
    assert version[0][0] == PREVIOUS  # nothing ran


def test_once_the_old_colour_is_gone_the_contract_step_goes(behind: str) -> None:
    _old_colour(behind, seconds_ago=600)  # stopped long ago: its announcement went stale
    # A process of the new colour (this code's head) does not hold the step back.
    asyncio.run(_sql(behind, ANNOUNCED, "api@green:1", code_head(), 0.0))
    result = CliRunner().invoke(app, ["migrate", "--check"])
    assert result.exit_code == 0, result.output
    assert f"{code_head()}  contract" in result.output
    assert "1 step(s) to apply; none refused" in result.output


def test_expand_steps_go_while_the_old_colour_runs(
    behind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrate, "_phase", lambda rev: "expand")
    _old_colour(behind, seconds_ago=5)
    plan = migrate.check(behind)
    assert [step.phase for step in plan.pending] == ["expand"]
    assert plan.old_colour == {"api@blue:1": PREVIOUS}


def test_a_process_announces_its_head_and_withdraws_it(scratch_database: str) -> None:
    upgrade(scratch_database)

    async def run() -> tuple[list[asyncpg.Record], list[asyncpg.Record]]:
        engine = create_engine(scratch_database, pool_size=1, max_overflow=0)
        task = asyncio.create_task(
            keep_announcing(session_factory(engine), kind="api", head=code_head(), every=0.1)
        )
        await asyncio.sleep(0.5)
        live = await _sql(scratch_database, "SELECT process, head FROM running_versions")
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await engine.dispose()
        gone = await _sql(scratch_database, "SELECT process FROM running_versions")
        return live, gone

    live, gone = asyncio.run(run())
    assert [(r["process"].startswith("api@"), r["head"]) for r in live] == [(True, code_head())]
    assert gone == []


def test_phase_reads_the_migration_module() -> None:
    class Module:
        phase = "contract"

    class Revision:
        module = Module()

    class Plain:
        module = object()

    assert migrate._phase(Revision()) == "contract"  # type: ignore[arg-type]
    assert migrate._phase(Plain()) == "expand"  # type: ignore[arg-type]
