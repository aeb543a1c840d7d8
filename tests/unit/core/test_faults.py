"""Crash points (core/faults.py): what ``ONRAMP_CRASH_AT`` arms, and a process killed with
SIGKILL at the armed hit of its point, not before."""

from __future__ import annotations

import signal
import subprocess
import sys

from onramp.core.faults import CRASH_ENV, crash_point, parse_armed


def test_a_spec_arms_each_point_at_its_hit() -> None:
    assert parse_armed("") == {}
    assert parse_armed("payout.after_send") == {"payout.after_send": 1}
    assert parse_armed("a@3, b ,c@1") == {"a": 3, "b": 1, "c": 1}


def test_an_unarmed_point_does_nothing() -> None:
    crash_point("payout.after_send")  # this process armed nothing: it lives on


def _run(spec: str, calls: list[str]) -> subprocess.CompletedProcess[str]:
    script = "from onramp.core.faults import crash_point\n" + "".join(
        f"crash_point({name!r}); print({name!r}, flush=True)\n" for name in calls
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        env={CRASH_ENV: spec, "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_process_dies_by_sigkill_at_the_armed_hit_of_its_point() -> None:
    died = _run("b@2", ["a", "b", "a", "b", "c"])
    assert died.returncode == -signal.SIGKILL
    assert died.stdout.split() == ["a", "b", "a"]  # the second b never returned
    lived = _run("z", ["a", "b"])
    assert lived.returncode == 0
    assert lived.stdout.split() == ["a", "b"]
