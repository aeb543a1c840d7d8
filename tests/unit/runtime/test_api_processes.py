"""The multiprocess directory of ``onramp api --workers N`` (runtime/api_processes.py): set for
the workers before they start, without an earlier run's files. And how a worker stops once its
supervisor is gone (the whole: tests/integration/runtime/test_api_workers.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from onramp.runtime import api_processes
from onramp.runtime.api_processes import (
    METRICS_DIR_VARIABLE,
    clear_metrics_directory,
    metrics_directory,
    watch_supervisor,
)


def test_a_named_directory_is_emptied_of_an_earlier_runs_files_and_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    named = tmp_path / "metrics"
    named.mkdir()
    (named / "counter_123.db").write_bytes(b"an earlier run's counts")
    monkeypatch.setenv(METRICS_DIR_VARIABLE, str(named))

    (named / "supervisor_122.pid").touch()
    with metrics_directory() as directory:
        assert directory == named
        assert [p.name for p in named.iterdir()] == [f"supervisor_{os.getpid()}.pid"]
        (named / "counter_456.db").write_bytes(b"this run's counts")

    assert os.environ[METRICS_DIR_VARIABLE] == str(named)
    assert (named / "counter_456.db").exists()  # read after the run


def test_without_one_a_new_directory_is_made_for_the_run_and_removed_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(METRICS_DIR_VARIABLE, raising=False)

    with metrics_directory() as directory:
        assert [p.name for p in directory.iterdir()] == [f"supervisor_{os.getpid()}.pid"]
        assert os.environ[METRICS_DIR_VARIABLE] == str(directory)  # the workers inherit it

    assert not directory.exists()
    assert METRICS_DIR_VARIABLE not in os.environ


def test_one_process_given_a_directory_starts_it_empty_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "counter_123.db").write_bytes(b"the container's previous run")
    (tmp_path / "supervisor_122.pid").touch()
    (tmp_path / "notes.txt").write_text("not prometheus_client's")
    monkeypatch.setenv(METRICS_DIR_VARIABLE, str(tmp_path))

    clear_metrics_directory()

    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_worker_whose_supervisor_is_gone_stops_gracefully_then_at_the_grace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parents = iter([4321, 4321, 1])  # its supervisor, then init: the supervisor died
    waited: list[float] = []
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(api_processes.os, "getppid", lambda: next(parents))
    monkeypatch.setattr(api_processes.time, "sleep", waited.append)
    monkeypatch.setattr(api_processes.os, "kill", lambda pid, sig: sent.append((pid, sig)))

    watch_supervisor(4321, poll=0.5, grace=5.0)

    assert waited == [0.5, 0.5, 5.0]
    # uvicorn's graceful shutdown, then its second signal: stop waiting for requests.
    assert sent == [(os.getpid(), signal.SIGTERM), (os.getpid(), signal.SIGINT)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_on_linux_a_worker_asks_for_sigterm_when_its_parent_dies() -> None:
    asked = """
import ctypes, signal
from onramp.runtime.api_processes import signal_on_parent_death
assert signal_on_parent_death(signal.SIGTERM)
given = ctypes.c_int()
ctypes.CDLL(None).prctl(2, ctypes.byref(given), 0, 0, 0)  # PR_GET_PDEATHSIG
print(given.value)
"""
    done = subprocess.run(
        [sys.executable, "-c", asked], capture_output=True, text=True, check=True, timeout=60
    )
    assert int(done.stdout) == signal.SIGTERM
