"""What a run cost the machine: CPU seconds of every process of the stack (and of their children:
PostgreSQL's backends, a supervisor's workers) from /proc, and the WAL PostgreSQL wrote."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import asyncpg

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: split after its closing one.
    return raw[raw.rindex(")") + 2 :].split()


def _children() -> dict[int, list[int]]:
    by_parent: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            by_parent.setdefault(int(fields[1]), []).append(int(entry.name))
    return by_parent


def cpu_seconds(pids: Iterable[int]) -> float:
    """utime + stime of each process and its live descendants, plus what its exited children
    spent (cutime + cstime, counted by the kernel once they were waited for)."""
    by_parent = _children()
    seen: set[int] = set()
    ticks = 0
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid in seen or (fields := _stat(pid)) is None:
            continue
        seen.add(pid)
        # Fields after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
        ticks += sum(int(fields[i]) for i in (11, 12, 13, 14))
        todo += by_parent.get(pid, [])
    return ticks / _TICKS


async def wal_lsn(database_url: str) -> int:
    """The WAL insert position, in bytes since the cluster began (asyncpg reads pg_lsn as int)."""
    conn = await asyncpg.connect(database_url)
    try:
        return int(await conn.fetchval("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"))
    finally:
        await conn.close()


@dataclass
class Cost:
    """Taken before the deposits start; ``report`` after the last order settled."""

    database_url: str
    pids: Mapping[str, int]
    cpu_start: float = 0.0
    lsn_start: int = 0

    async def start(self) -> None:
        self.cpu_start = cpu_seconds(self.pids.values())
        self.lsn_start = await wal_lsn(self.database_url)

    async def report(self, orders: int, figures: dict[str, float]) -> list[str]:
        """The lines to print; adds CPU ms and WAL kB per settled order to ``figures``."""
        cpu = cpu_seconds(self.pids.values()) - self.cpu_start
        wal = await wal_lsn(self.database_url) - self.lsn_start
        per = max(orders, 1)
        figures["cpu_ms_per_order"] = cpu / per * 1000
        figures["wal_kb_per_order"] = wal / per / 1000
        return [
            f"CPU seconds (all {len(self.pids)} stack processes and their children): {cpu:.1f}, "
            f"{cpu / per * 1000:.1f} ms per settled order",
            f"WAL bytes: {wal:,}, {wal / per:,.0f} per settled order",
        ]
