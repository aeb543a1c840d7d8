"""The API process (``onramp api``): how many processes serve it."""

from __future__ import annotations

from pydantic import Field

from onramp.core.settings.base import Section


class ApiSettings(Section):
    """Processes serving the API behind its one port (runtime/api_processes.py)."""

    # Processes serving the API (uvicorn's workers; `onramp api --workers N` overrides it).
    # 1, the development default, is one process; in production set it to the number of cores
    # the API's container may use (a Python process runs on one core at a time). Each has its
    # own database pool (pool_size + max_overflow connections), and /metrics on any of them
    # sums every process's counters (Prometheus' multiprocess mode).
    workers: int = Field(default=1, ge=1, le=64)
