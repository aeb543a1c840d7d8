"""Run the Alembic migrations programmatically (``onramp migrate``, the dev stack, the tests),
and check first (``onramp migrate --check``) that no contract step runs while the old colour of
a blue-green deployment still does (core/db/versions.py).

Migrations are written expand/contract so both colours run on one schema: an *expand* step
(the default) only adds (a nullable column, a table, an index); a *contract* step removes or
narrows what older code may still use (drops a column, adds NOT NULL) and says so with
``phase = "contract"`` in its module. It ships one release after the expand step it completes."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from alembic.script import Script
from sqlalchemy import text

from onramp.core.db import standalone_sessions, unit_of_work
from onramp.core.errors import ErrorKind, OnrampError
from onramp.core.settings import REPO_ROOT, Settings


def alembic_config(database_url: str, settings: Settings | None = None) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    # Data migrations that seal existing personal data need the HSM settings (0013).
    config.attributes["settings"] = settings
    return config


@functools.cache
def code_head() -> str:
    """The newest migration this code ships (what its processes announce)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("")).get_current_head() or ""


def upgrade(database_url: str, revision: str = "head", *, settings: Settings | None = None) -> None:
    command.upgrade(alembic_config(database_url, settings), revision)


def downgrade(database_url: str, revision: str, *, settings: Settings | None = None) -> None:
    command.downgrade(alembic_config(database_url, settings), revision)


CONTRACT = "contract"


class ContractWhileOldColourRuns(OnrampError):
    """A pending migration removes or narrows what the running (old) code still uses."""

    code = "contract_while_old_colour_runs"
    kind = ErrorKind.CONFLICT
    title = "A contract migration must wait until the old colour stopped"


@dataclass(frozen=True)
class PendingStep:
    revision: str
    phase: str  # "expand" (both colours run on it) or "contract" (only the new code does)
    doc: str


@dataclass(frozen=True)
class MigrationPlan:
    current: str | None
    head: str
    pending: list[PendingStep]
    # Live processes built for another head than this code's: the old colour.
    old_colour: dict[str, str]

    @property
    def contracts(self) -> list[PendingStep]:
        return [step for step in self.pending if step.phase == CONTRACT]

    def refusal(self) -> str | None:
        """Why these steps must not run now; None when they may."""
        if not self.contracts or not self.old_colour:
            return None
        steps = ", ".join(step.revision for step in self.contracts)
        procs = ", ".join(f"{p} (head {h})" for p, h in sorted(self.old_colour.items()))
        return (
            f"contract step(s) {steps} would remove what the old colour still uses; it runs: "
            f"{procs}. Promote the new colour and stop the old one first (or let its processes' "
            f"announcements go stale), then migrate again"
        )


def migration_plan(database_url: str) -> MigrationPlan:
    """What ``onramp migrate`` would apply, each step's phase (a migration module's ``phase``;
    ``expand`` unless it says ``contract``) and who runs another head now."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(database_url))
    head = code_head()
    current, running = asyncio.run(_database_state(database_url))
    pending = [
        PendingStep(rev.revision, _phase(rev), (rev.doc or "").partition("\n")[0])
        for rev in reversed(list(script.iterate_revisions(head, current or "base")))
    ]
    old = {process: h for process, h in running.items() if h != head}
    return MigrationPlan(current, head, pending, old)


def _phase(revision: Script) -> str:
    """A migration's phase: its module's ``phase``, ``expand`` unless it says otherwise."""
    return str(getattr(revision.module, "phase", "expand"))


async def _database_state(database_url: str) -> tuple[str | None, dict[str, str]]:
    from onramp.core.db.versions import live_heads

    async with standalone_sessions(database_url) as sessions, unit_of_work(sessions) as session:
        row = (
            await session.execute(
                text(
                    "SELECT to_regclass('public.alembic_version') IS NOT NULL,"
                    " to_regclass('public.running_versions') IS NOT NULL"
                )
            )
        ).one()
        current = (
            await session.scalar(text("SELECT version_num FROM alembic_version"))
            if row[0]
            else None
        )
        running = await live_heads(session) if row[1] else {}
    return current, running


def check(database_url: str) -> MigrationPlan:
    """The plan, or ``ContractWhileOldColourRuns`` when it holds a contract step and a process
    of the old colour is alive."""
    plan = migration_plan(database_url)
    why = plan.refusal()
    if why is not None:
        raise ContractWhileOldColourRuns(why)
    return plan
