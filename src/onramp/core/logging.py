"""structlog JSON logs. Event names read like ``payout.broadcast``; no personal data or secrets:
every line, tracebacks and their local variables included, passes ``core/log_redaction``. A line
written inside a trace carries its ``trace_id`` and ``span_id`` (core/tracing.py), and the
``order_id`` where the request or event batch is about one order."""

from __future__ import annotations

import logging
import sys

import structlog

from onramp.core.log_redaction import RedactingFilter, redact_event
from onramp.core.tracing import log_fields

# Until a process configures logging, logs still go to stderr: stdout belongs to what a command
# prints (a CSV report, a JSON import summary).
if not structlog.is_configured():
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact_event,
            structlog.dev.ConsoleRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
    )


def add_trace_ids(
    _logger: object, _method: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    """The trace, span and order ids of where the line was written (a field the caller set
    wins)."""
    for key, value in log_fields().items():
        event.setdefault(key, value)
    return event


def configure_logging(*, level: str = "INFO", process: str = "onramp") -> None:
    logging.basicConfig(format="%(message)s", stream=sys.stderr, level=level)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            add_trace_ids,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.dict_tracebacks,
            redact_event,  # last before rendering: tracebacks are dicts with their locals by now
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(process=process)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger
