"""Prometheus' multiprocess mode, for an API served by several processes (``onramp api
--workers N``, runtime/api_processes.py): ``PROMETHEUS_MULTIPROC_DIR`` names a directory, set
before the processes start, where each process's prometheus_client keeps its values in files
of its own (named by its pid); a scrape answered by any of them reads every file, so the
counters are summed over all of them, including a process that died (no counter goes
backwards). With the variable unset (one process, every worker host) none of this runs.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

# Decided once, as prometheus_client decides where its values live: when it is first imported.
MULTIPROCESS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")

# counter_<pid>.db, gauge_mostrecent_<pid>.db, ...; and the one the supervisor that started the
# processes leaves (it holds no metric; prometheus_client reads only *.db files).
_PROCESS_FILE = re.compile(r"_(\d+)\.(db|pid)$")
SUPERVISOR_FILE = "supervisor_{pid}.pid"
_SUMMED = ("process_resident_memory_bytes", "process_virtual_memory_bytes", "process_open_fds")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def serving_processes(directory: str) -> set[int]:
    """The processes of a multiprocess run still running: each has files named by its pid in
    ``directory``, as has the supervisor that started them (``SUPERVISOR_FILE``)."""
    pids = {
        int(m.group(1)) for p in Path(directory).iterdir() if (m := _PROCESS_FILE.search(p.name))
    }
    return {pid for pid in pids if _alive(pid)}


class _ProcessesCollector(Collector):
    """With several processes, what one ``ProcessCollector`` says of its own process, summed
    over all of them: memory and open files (the API dashboard's memory panel). Not their CPU
    seconds: a replaced process's would drop out of the sum, a counter going backwards."""

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def collect(self) -> Iterator[GaugeMetricFamily]:
        totals = dict.fromkeys(_SUMMED, 0.0)
        helps: dict[str, str] = {}
        for pid in sorted(serving_processes(self.directory)):
            of_pid = ProcessCollector(pid=functools.partial(int, pid), registry=None)
            for family in of_pid.collect():
                if family.name in totals:
                    totals[family.name] += family.samples[0].value
                    helps[family.name] = f"{family.documentation} (every API process, summed)"
        for name, value in totals.items():
            if name in helps:
                yield GaugeMetricFamily(name, helps[name], value=value)


def every_process_page(directory: str, *collectors: Collector) -> bytes:
    """The text page of every process's values in ``directory`` (summed; gauges as their
    mode says), their memory, and ``collectors`` that read at scrape time (the certificates)."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    registry.register(_ProcessesCollector(directory))
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry)


def process_gone(pid: int, directory: str) -> None:
    """A process of a multiprocess run (``directory``) has exited: its live gauges' values go
    (counters and histograms stay, summed in). Called by the process that started it."""
    mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]
