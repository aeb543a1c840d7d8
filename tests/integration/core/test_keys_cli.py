"""``onramp keys``: the operator's commands, run as a process against a scratch database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from sqlalchemy import select

from onramp.core.audit import AuditRecord
from onramp.core.db import standalone_sessions, unit_of_work
from onramp.core.db.migrate import upgrade
from onramp.core.keys import open_keyring
from onramp.devstack.stack import Stack


def _onramp(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onramp", *args],
        capture_output=True,
        text=True,
        env=os.environ | env,
        timeout=60,
        check=False,
    )


async def test_rotate_kek_and_new_data_key_are_audited(infra: Stack, scratch_database: str) -> None:
    await asyncio.to_thread(upgrade, scratch_database, settings=infra.settings)
    async with standalone_sessions(scratch_database) as sessions:
        await open_keyring(sessions, infra.settings.hsm)
        env = infra.env() | {"ONRAMP_DATABASE__URL": scratch_database}

        rotated = await asyncio.to_thread(_onramp, "keys", "rotate-kek", env=env)
        assert rotated.returncode == 0, rotated.stderr
        assert "wraps all 2 data keys" in rotated.stdout
        created = await asyncio.to_thread(
            _onramp, "keys", "new-data-key", "--purpose", "pii", env=env
        )
        assert created.returncode == 0, created.stderr
        refused = await asyncio.to_thread(
            _onramp, "keys", "new-data-key", "--purpose", "blind_index", env=env
        )
        assert refused.returncode == 1
        assert "blind_index_key_fixed" in refused.stderr

        async with unit_of_work(sessions) as session:
            records = list(
                await session.scalars(
                    select(AuditRecord).where(AuditRecord.action.startswith("keys."))
                )
            )
    by_action = {(r.action, r.actor.startswith("cli:")) for r in records}
    assert ("keys.kek_rotated", True) in by_action
    assert ("keys.data_key_created", True) in by_action  # the operator's new key
    assert ("keys.data_key_created", False) in by_action  # the bootstrap keys (system:keys)


def test_a_missing_pin_stops_the_command_with_a_clear_error(infra: Stack) -> None:
    env = infra.env() | {"ONRAMP_HSM__USER_PIN": "", "ONRAMP_STATE_DIR": "/nonexistent"}
    result = _onramp("keys", "rotate-kek", env=env)
    assert result.returncode == 1
    assert "hsm_not_configured" in result.stderr
