"""The dev stack's supervisor: a process that dies is started again, with backoff.

``onramp dev`` and the test stack run the API, every worker and the vendor sandboxes as child
processes. One of them dying (a bug, an OOM kill, a crash point, a SIGKILL) must not take the
rest down nor wait for a human: the supervisor notices the exit, waits (doubling from
``backoff_initial_seconds`` up to ``backoff_max_seconds``) and starts the same command again.
A process that keeps dying (``max_deaths`` within ``window_seconds``) is given up on, loudly:
``supervisor.gave_up`` in the log and ``gave_up`` in ``stack.json``; the others keep running.

A process stopped on purpose (``ManagedProcess.stop``) or started unsupervised (a test's worker
with a crash point of its own) is left alone; one replaced from outside starts a new count.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from onramp.core.logging import get_logger
from onramp.core.restarts import DeathCount, GiveUp, RestartPolicy
from onramp.devstack.process import ManagedProcess

log = get_logger(__name__)

Report = Callable[[str], None]
State = Literal["running", "restarting", "gave_up", "stopped", "exited"]


class ProcessTable(Protocol):
    """What the supervisor watches: the stack's processes by name, under the stack's lock."""

    @property
    def lock(self) -> AbstractContextManager[Any]: ...

    def processes(self) -> dict[str, ManagedProcess]: ...

    def replace(self, name: str, process: ManagedProcess) -> None: ...

    def changed(self) -> None:
        """A process was restarted or given up on (the stack rewrites stack.json)."""


@dataclass
class _Watch:
    process: ManagedProcess
    deaths: DeathCount
    restarts: int = 0
    restart_at: float | None = None
    gave_up: bool = False
    last_exit: int | None = None


def _quiet(_: str) -> None:
    pass


@dataclass
class Supervisor:
    table: ProcessTable
    policy: RestartPolicy = RestartPolicy()
    report: Report = _quiet  # one human line per restart or give-up (``onramp dev`` prints it)
    clock: Callable[[], float] = time.monotonic
    interval: float = 0.2
    _watches: dict[str, _Watch] = field(default_factory=dict)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def poll(self) -> None:
        """Notice exits, start again those whose backoff is over, give up on crash loops."""
        now = self.clock()
        changed = False
        with self.table.lock:
            for name, process in self.table.processes().items():
                watch = self._watches.get(name)
                if watch is None or watch.process is not process:
                    # New, or replaced from outside (a test, a human): a count of its own.
                    watch = self._watches[name] = _Watch(process, DeathCount(self.policy))
                if watch.gave_up:
                    continue
                if watch.restart_at is not None:
                    if now >= watch.restart_at:
                        self._restart(name, watch, now)
                        changed = True
                    continue
                if process.supervised and process.crashed():
                    watch.last_exit = process.popen.returncode
                    self._died(name, watch, now)
                    changed = True
        if changed:
            self.table.changed()

    def _died(self, name: str, watch: _Watch, now: float) -> None:
        decision = watch.deaths.died(now)
        process = watch.process
        if isinstance(decision, GiveUp) or process.respawn is None:
            watch.gave_up = True
            deaths = decision.deaths
            log.error(
                "supervisor.gave_up",
                name=name,
                pid=process.pid,
                returncode=watch.last_exit,
                deaths=deaths,
                window_seconds=self.policy.window_seconds,
                log_path=str(process.log_path),
            )
            self.report(
                f"supervisor  {name} died {deaths} times within {self.policy.window_seconds:g}s: "
                f"given up, not restarted (see {process.log_path}); the rest keep running"
            )
            return
        watch.restart_at = now + decision.delay
        log.warning(
            "supervisor.exited",
            name=name,
            pid=process.pid,
            returncode=watch.last_exit,
            deaths=decision.deaths,
            restart_in_seconds=decision.delay,
        )
        self.report(
            f"supervisor  {name} (pid {process.pid}) exited with {watch.last_exit}; "
            f"restarting in {decision.delay:g}s (see {process.log_path})"
        )

    def _restart(self, name: str, watch: _Watch, now: float) -> None:
        old = watch.process
        watch.restart_at = None
        assert old.respawn is not None  # checked when it died
        try:
            new = old.respawn()
        except OSError as exc:  # the command itself cannot start: a death like any other
            log.warning("supervisor.restart_failed", name=name, error=str(exc))
            self._died(name, watch, now)
            return
        new.supervised = True
        self.table.replace(name, new)
        watch.process = new
        watch.restarts += 1
        log.warning(
            "supervisor.restarted",
            name=name,
            pid=new.pid,
            previous_pid=old.pid,
            restarts=watch.restarts,
        )
        self.report(f"supervisor  {name} restarted (pid {new.pid}, restart {watch.restarts})")

    def status(self) -> dict[str, dict[str, Any]]:
        """Per process: its state, current pid, restarts so far and last exit code."""
        out: dict[str, dict[str, Any]] = {}
        with self.table.lock:
            for name, process in self.table.processes().items():
                watch = self._watches.get(name)
                if watch is None or watch.process is not process:
                    watch = _Watch(process, DeathCount(self.policy))
                out[name] = {
                    "state": self._state(watch),
                    "pid": process.pid,
                    "restarts": watch.restarts,
                    "last_exit": watch.last_exit,
                }
        return out

    @staticmethod
    def _state(watch: _Watch) -> State:
        if watch.gave_up:
            return "gave_up"
        if watch.restart_at is not None:
            return "restarting"
        if watch.process.alive():
            return "running"
        return "stopped" if watch.process.stopped else "exited"

    def given_up(self) -> list[str]:
        with self.table.lock:
            return [name for name, watch in self._watches.items() if watch.gave_up]

    def start(self) -> None:
        """Watch in a background thread until ``stop``."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="onramp-supervisor", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            try:
                self.poll()
            except Exception:  # noqa: BLE001 - the supervisor itself must keep watching
                log.exception("supervisor.poll_failed")

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
