"""The supervisor's restart policy (pure) and its bookkeeping over real, short-lived processes
with a clock of the test's own: backoff doubles, a crash loop is given up on, a process stopped
on purpose or left unsupervised stays down, and the rest keep running."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from onramp.core.restarts import DeathCount, GiveUp, Restart, RestartPolicy
from onramp.core.settings import SupervisorSettings
from onramp.devstack.process import ManagedProcess, spawn
from onramp.devstack.supervisor import Supervisor

POLICY = RestartPolicy(
    max_deaths=5, window_seconds=60, backoff_initial_seconds=0.5, backoff_max_seconds=4
)


def test_backoff_doubles_up_to_the_cap_then_gives_up_at_n_deaths_within_the_window() -> None:
    deaths = DeathCount(POLICY)
    assert deaths.died(0.0) == Restart(0.5, 1)
    assert deaths.died(1.0) == Restart(1.0, 2)
    assert deaths.died(2.0) == Restart(2.0, 3)
    assert deaths.died(4.0) == Restart(4.0, 4)
    assert deaths.died(8.0) == GiveUp(5)


def test_the_backoff_is_capped() -> None:
    deaths = DeathCount(RestartPolicy(max_deaths=10, backoff_max_seconds=3))
    delays = [d.delay for d in (deaths.died(float(t)) for t in range(6)) if isinstance(d, Restart)]
    assert delays == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]


def test_deaths_spread_wider_than_the_window_never_give_up_and_back_off_from_the_start() -> None:
    deaths = DeathCount(POLICY)
    decisions = [deaths.died(t * 50.0) for t in range(20)]  # once every 50 s, for 16 minutes
    assert all(isinstance(d, Restart) for d in decisions)
    # At most two fall within any 60 s: the delay never grows past the second step.
    assert {d.delay for d in decisions if isinstance(d, Restart)} == {0.5, 1.0}


def test_a_long_run_resets_the_count() -> None:
    deaths = DeathCount(POLICY)
    for t in (0.0, 1.0, 2.0, 3.0):
        assert isinstance(deaths.died(t), Restart)
    assert deaths.died(200.0) == Restart(0.5, 1)


def test_the_policy_comes_from_settings() -> None:
    settings = SupervisorSettings(max_deaths=3, window_seconds=10)
    assert RestartPolicy.from_settings(settings) == RestartPolicy(
        max_deaths=3, window_seconds=10, backoff_initial_seconds=0.5, backoff_max_seconds=30
    )


class _Table:
    """A process table like the stack's, without a stack."""

    def __init__(self, processes: dict[str, ManagedProcess]) -> None:
        self.lock = threading.RLock()
        self._processes = processes
        self.changes = 0

    def processes(self) -> dict[str, ManagedProcess]:
        return dict(self._processes)

    def replace(self, name: str, process: ManagedProcess) -> None:
        self._processes[name] = process

    def changed(self) -> None:
        self.changes += 1


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _start(name: str, code: str, log_dir: Path, *, supervised: bool = True) -> ManagedProcess:
    process = spawn(name, [sys.executable, "-c", code], log_dir=log_dir)
    process.supervised = supervised
    return process


def _exited(process: ManagedProcess) -> ManagedProcess:
    process.popen.wait(timeout=30)
    return process


@pytest.fixture
def clock() -> _Clock:
    return _Clock()


def test_a_crashed_process_is_restarted_after_its_backoff_with_the_same_command(
    tmp_path: Path, clock: _Clock
) -> None:
    crashing = _exited(_start("worker-x", "raise SystemExit(3)", tmp_path))
    table = _Table({"worker-x": crashing})
    lines: list[str] = []
    supervisor = Supervisor(table, POLICY, report=lines.append, clock=clock)

    supervisor.poll()
    assert table.processes()["worker-x"] is crashing  # waiting out the backoff
    assert supervisor.status()["worker-x"]["state"] == "restarting"
    assert supervisor.status()["worker-x"]["last_exit"] == 3
    clock.now += 0.5
    supervisor.poll()

    again = table.processes()["worker-x"]
    assert again is not crashing
    assert again.popen.args == crashing.popen.args
    assert again.supervised
    assert supervisor.status()["worker-x"]["restarts"] == 1
    assert table.changes == 2  # the death, then the restart: stack.json rewritten each time
    assert "restarting in 0.5s" in lines[0]
    assert "restarted" in lines[1]
    _exited(again)


def test_a_crash_loop_is_given_up_on_and_the_others_keep_running(
    tmp_path: Path, clock: _Clock
) -> None:
    steady = _start("api", "import time; time.sleep(60)", tmp_path)
    table = _Table({"worker-x": _start("worker-x", "raise SystemExit(1)", tmp_path), "api": steady})
    lines: list[str] = []
    supervisor = Supervisor(table, POLICY, report=lines.append, clock=clock)
    try:
        for _ in range(POLICY.max_deaths):
            _exited(table.processes()["worker-x"])
            supervisor.poll()  # notices the death
            clock.now += POLICY.backoff_max_seconds
            supervisor.poll()  # restarts it, unless given up
        status = supervisor.status()
        assert status["worker-x"]["state"] == "gave_up"
        assert status["worker-x"]["restarts"] == POLICY.max_deaths - 1
        assert supervisor.given_up() == ["worker-x"]
        assert "given up" in lines[-1]
        assert status["api"]["state"] == "running"
        assert table.processes()["api"] is steady

        # Given up means left alone, however long the supervisor keeps polling.
        dead = table.processes()["worker-x"]
        clock.now += 1000
        supervisor.poll()
        assert table.processes()["worker-x"] is dead

        # Started again from outside (a human, a test), it is watched with a new count.
        fixed = _start("worker-x", "import time; time.sleep(60)", tmp_path)
        table.replace("worker-x", fixed)
        supervisor.poll()
        assert supervisor.status()["worker-x"] == {
            "state": "running",
            "pid": fixed.pid,
            "restarts": 0,
            "last_exit": None,
        }
        fixed.stop()
    finally:
        steady.stop()


def test_a_process_stopped_on_purpose_or_unsupervised_is_not_restarted(
    tmp_path: Path, clock: _Clock
) -> None:
    stopped = _start("worker-a", "import time; time.sleep(60)", tmp_path)
    stopped.stop()
    unsupervised = _exited(_start("worker-b", "raise SystemExit(9)", tmp_path, supervised=False))
    table = _Table({"worker-a": stopped, "worker-b": unsupervised})
    supervisor = Supervisor(table, POLICY, clock=clock)

    supervisor.poll()
    clock.now += 100
    supervisor.poll()

    assert table.processes() == {"worker-a": stopped, "worker-b": unsupervised}
    assert supervisor.status()["worker-a"]["state"] == "stopped"
    assert supervisor.status()["worker-b"]["state"] == "exited"
    assert table.changes == 0


def test_a_process_without_a_way_to_start_again_is_given_up_at_once(
    tmp_path: Path, clock: _Clock
) -> None:
    crashed = _exited(_start("worker-x", "raise SystemExit(2)", tmp_path))
    crashed.respawn = None
    table = _Table({"worker-x": crashed})
    supervisor = Supervisor(table, POLICY, clock=clock)
    supervisor.poll()
    assert supervisor.given_up() == ["worker-x"]
