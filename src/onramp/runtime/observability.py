"""A process's traces, as its settings configure them (core/tracing.py): each process names
itself ``onramp-api`` or ``onramp-worker-<name>`` to the collector."""

from __future__ import annotations

from onramp.core import tracing
from onramp.core.logging import get_logger
from onramp.core.settings import Settings

log = get_logger(__name__)


def configure_tracing(settings: Settings, *, process: str) -> bool:
    exporting = tracing.configure_tracing(
        endpoint=settings.otel.endpoint,
        service=f"onramp-{process}",
        environment=settings.env,
        sample_ratio=settings.otel.sample_ratio,
    )
    if exporting:
        log.info("tracing.exporting", service=f"onramp-{process}")
    return exporting
