"""A process's traces, as its settings configure them (core/tracing.py): each process names
itself ``onramp-api`` or ``onramp-worker-<name>`` to the collector; and the certificates whose
expiry its ``/metrics`` exports."""

from __future__ import annotations

from onramp.core import metrics, tracing
from onramp.core.logging import get_logger
from onramp.core.settings import Settings

log = get_logger(__name__)


def configure_observability(settings: Settings, *, process: str) -> bool:
    """Watch the configured certificates and export traces when an endpoint is configured;
    whether traces are exported."""
    metrics.watch_certificates(settings.metrics.certificates)
    exporting = tracing.configure_tracing(
        endpoint=settings.otel.endpoint,
        service=f"onramp-{process}",
        environment=settings.env,
        sample_ratio=settings.otel.sample_ratio,
    )
    if exporting:
        log.info("tracing.exporting", service=f"onramp-{process}")
    return exporting
