"""One redaction rule for every log line: no bearer token, cookie, password, secret or settings
object reaches a log, wherever it hides — a field of the event, a header in a traceback's local
variables, the text of an exception.

Two tests decide what goes: the **name** (a field or local variable called like a credential:
``password``, ``authorization``, ``cookie``, ``*_secret``, ``*_token``, ``api_key``, ``pin``…
has its value replaced whole) and the **shape** of a value (``Bearer …``, a JWT, an onramp API
key or refresh token, ``password='…'`` inside a repr, a settings object's repr). structlog runs
it last before rendering; the standard library's records (uvicorn, SQLAlchemy) pass the same
rule through a filter on the root handlers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, MutableMapping
from typing import Any

REDACTED = "[redacted]"

_SENSITIVE_NAME = re.compile(
    r"(^|[_-])(password|passwd|pwd|secret|secrets|token|tokens|authorization|cookie|cookies|"
    r"set[_-]cookie|pin|credentials?|jwt|otp|totp)($|[_-])"
    r"|(^|[_-])(api|private|signing|secrets|client)[_-]?key($|[_-])",
    re.IGNORECASE,
)
# Names that look like credentials but are not (a token's label in the HSM, a count of tokens).
_NOT_SENSITIVE = frozenset({"token_label", "tokens_issued", "otp_enabled", "pin_attempts"})

_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 " + REDACTED),
    (re.compile(r"eyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*){0,2}"), REDACTED),  # a JWT, or its start
    (re.compile(r"\bonr_(?:live|test)_[A-Za-z0-9_-]+"), REDACTED),  # an API key (or its prefix)
    (re.compile(r"\brt_[A-Za-z0-9_-]{16,}"), REDACTED),  # a refresh token
    (
        re.compile(
            r"(?i)(['\"]?(?:[\w-]*(?:password|secret|token|cookie|authorization|api_key)[\w-]*"
            r"|(?:user_)?pin)['\"]?\s*[:=]\s*)(b?['\"])[^'\"]*(['\"]?)"
        ),
        r"\1\2" + REDACTED + r"\3",
    ),
)
# A settings object (or one of its sections) in a traceback's locals: dropped whole.
_SETTINGS_REPR = re.compile(r"^<?[\w.]*Settings\b[(<]")


def sensitive_name(name: str) -> bool:
    return name.lower() not in _NOT_SENSITIVE and _SENSITIVE_NAME.search(name) is not None


def redact_text(text: str) -> str:
    if _SETTINGS_REPR.match(text):
        return "[settings]"
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    return text


def redact(value: Any) -> Any:
    """``value`` with everything secret replaced, recursively through mappings and lists."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {
            k: REDACTED if isinstance(k, str) and sensitive_name(k) else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def redact_event(_: Any, __: str, event: MutableMapping[str, Any]) -> Mapping[str, Any]:
    """The structlog processor: after tracebacks became dicts (locals included), before
    rendering."""
    redacted: Mapping[str, Any] = redact(event)
    return redacted


class RedactingFilter(logging.Filter):
    """The same rule for standard-library records: their message and their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact_text(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        return True
