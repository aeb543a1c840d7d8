"""Several processes serving the API behind one port (``onramp api --workers N``,
``ONRAMP_API__WORKERS``): uvicorn's workers, each a fresh interpreter (spawned, not forked)
that builds the app from the settings, sharing the socket the parent bound.

Their metrics: prometheus_client's multiprocess mode (core/metrics_processes.py). The parent
names a directory in ``PROMETHEUS_MULTIPROC_DIR`` before any worker starts (so each worker's
prometheus_client keeps its values in files there), empties it of an earlier run's files, and
tells prometheus_client when a worker is gone; ``/metrics`` on any worker reads them all.

A worker leaves with its supervisor: one SIGKILLed (an OOM killer, Kubernetes) cannot stop its
workers, which would keep the port (a restarted ``onramp api`` could not bind it) and serve on
with whatever they held. Each worker asks Linux for SIGTERM when its parent dies (uvicorn's
graceful shutdown) and watches its parent itself too (elsewhere than Linux, and to bound that
shutdown: a second signal after a short grace ends what is still in flight).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from uvicorn import Config
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess

from onramp.core.metrics_processes import SUPERVISOR_FILE, process_gone

METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# What each worker process imports and calls to build its app (uvicorn's ``factory=True``;
# granian's ``--factory`` in bench/api.py).
WORKER_APP = "onramp.runtime.api_processes:worker_app"
# The supervisor's pid, as its workers inherit it: the parent each worker must outlive no more.
SUPERVISOR_VARIABLE = "ONRAMP_API_SUPERVISOR_PID"
# How often a worker checks its parent is still its supervisor, and how long, once it is not,
# its in-flight requests have before it stops anyway (nothing sends it new ones: it stopped
# accepting).
SUPERVISOR_POLL_SECONDS = 0.5
ORPHAN_GRACE_SECONDS = 5.0
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def signal_on_parent_death(sig: signal.Signals) -> bool:
    """Ask Linux to send this process ``sig`` when its parent (the thread that started it)
    ends; false where it cannot (another system, no libc)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def watch_supervisor(supervisor: int, *, poll: float, grace: float) -> None:
    """Until this process's parent is no longer ``supervisor`` (it died: the process has a new
    parent), then stop it as uvicorn's supervisor would, SIGTERM (again, if Linux already sent
    it), and after ``grace`` SIGINT, uvicorn's second signal: stop waiting for requests."""
    while os.getppid() == supervisor:
        time.sleep(poll)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(grace)
    os.kill(os.getpid(), signal.SIGINT)


def exit_with_supervisor(supervisor: int) -> None:
    """Stop this worker, gracefully, once its ``supervisor`` is gone."""
    signal_on_parent_death(signal.SIGTERM)
    # Started after the line above, the watch's first look also catches a supervisor that died
    # before this process asked for the signal (then none comes).
    threading.Thread(
        target=watch_supervisor,
        args=(supervisor,),
        kwargs={"poll": SUPERVISOR_POLL_SECONDS, "grace": ORPHAN_GRACE_SECONDS},
        name="supervisor-watch",
        daemon=True,
    ).start()


def worker_app() -> FastAPI:
    """The API as one worker process builds it: the settings, its logs and traces, the app."""
    if supervisor := os.environ.get(SUPERVISOR_VARIABLE):  # not in bench/api.py's granian
        exit_with_supervisor(int(supervisor))
    from onramp.core.logging import configure_logging
    from onramp.core.settings import load_settings
    from onramp.runtime.app import create_app
    from onramp.runtime.observability import configure_observability

    settings = load_settings()
    configure_logging(level=settings.log_level, process="api")
    configure_observability(settings, process="api")
    return create_app(settings)


def clear_metrics_directory() -> None:
    """Empty the directory ``PROMETHEUS_MULTIPROC_DIR`` names (a pod's ``emptyDir`` outlives a
    container's restart) of an earlier run's files, whose counts would be added to this run's;
    before this process creates a metric (with one process too: it reads the directory)."""
    given = os.environ.get(METRICS_DIR_VARIABLE, "")
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)
        for pattern in ("*.db", SUPERVISOR_FILE.format(pid="*")):
            for leftover in Path(given).glob(pattern):
                leftover.unlink()


@contextmanager
def metrics_directory() -> Iterator[Path]:
    """The run's multiprocess directory, set in the environment the workers inherit: the one
    ``PROMETHEUS_MULTIPROC_DIR`` already names, emptied, or else a new temporary one, removed
    when the run ends."""
    given = os.environ.get(METRICS_DIR_VARIABLE, "")
    clear_metrics_directory()
    if given:
        path = Path(given)
    else:
        path = Path(tempfile.mkdtemp(prefix="onramp-api-metrics-"))
        os.environ[METRICS_DIR_VARIABLE] = str(path)
    # Its memory counts with the workers' on /metrics (core/metrics_processes.py).
    (path / SUPERVISOR_FILE.format(pid=os.getpid())).touch()
    try:
        yield path
    finally:
        if not given:
            os.environ.pop(METRICS_DIR_VARIABLE, None)
            shutil.rmtree(path, ignore_errors=True)


class _Workers(Multiprocess):
    """uvicorn's supervisor (it restarts a worker that died, replaces them all on SIGHUP),
    telling prometheus_client of each worker gone, so a live gauge drops its values. uvicorn
    has no hook for a worker's exit: this compares its list of processes before and after
    each of the supervisor's steps that replaces some (uvicorn is pinned; tested by
    tests/e2e/test_api_workers.py)."""

    def __init__(self, config: Config, sockets: list[Any], metrics_dir: Path) -> None:
        super().__init__(config, sockets)
        self.metrics_dir = metrics_dir
        # uvicorn stops every worker when one fails before it serves (its lifespan raised: the
        # database or the chain unreachable, a bad key): then so does the command, non-zero.
        self.failed_to_start = False

    def _pids(self) -> set[int]:
        return {p.pid for p in self.processes if p.pid is not None}

    def _gone(self, pids: set[int]) -> None:
        for pid in pids:
            process_gone(pid, str(self.metrics_dir))

    def keep_subprocess_alive(self) -> None:
        before = self._pids()
        super().keep_subprocess_alive()
        self._gone(before - self._pids())
        if any(p.exitcode == STARTUP_FAILURE for p in self.processes):
            self.failed_to_start = True

    def restart_all(self) -> None:
        before = self._pids()
        super().restart_all()
        self._gone(before - self._pids())

    def join_all(self) -> None:
        super().join_all()
        self._gone(self._pids())


def serve_processes(workers: int, **options: Any) -> bool:
    """Serve the API from ``workers`` processes until SIGTERM or SIGINT (uvicorn's options);
    false when they stopped because one failed to start."""
    config = Config(WORKER_APP, factory=True, workers=workers, **options)
    with metrics_directory() as metrics_dir:
        sock = config.bind_socket()
        supervisor = _Workers(config, [sock], metrics_dir)
        os.environ[SUPERVISOR_VARIABLE] = str(os.getpid())
        try:
            supervisor.run()
        finally:
            os.environ.pop(SUPERVISOR_VARIABLE, None)
    return not supervisor.failed_to_start
