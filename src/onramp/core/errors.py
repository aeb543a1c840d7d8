"""Domain errors with stable codes.

Every error a user can see is an :class:`OnrampError` subclass with a stable machine-readable
``code``. Errors carry a *kind* (what went wrong, in domain words), never an HTTP status: the API
edge maps kinds to statuses in one place.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar


class ErrorKind(StrEnum):
    INVALID = "invalid"  # the request is malformed or breaks a rule of the input
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"  # the request clashes with the current state
    UNAVAILABLE = "unavailable"  # a dependency (node, bank, vendor) failed; retry later
    TOO_MANY = "too_many"  # slow down: retry after ``retry_after`` seconds
    INTERNAL = "internal"  # an invariant broke; never the caller's fault


class OnrampError(Exception):
    """Base of every domain error. Subclasses set ``code``, ``kind`` and ``title``."""

    code: ClassVar[str] = "internal_error"
    kind: ClassVar[ErrorKind] = ErrorKind.INTERNAL
    title: ClassVar[str] = "Internal error"
    # Keys of ``extra`` the API shows as problem extension members (RFC 9457 §3.2); the rest
    # stays server-side.
    public_extra: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, detail={self.detail!r})"


class InvalidInput(OnrampError):
    code = "invalid_input"
    kind = ErrorKind.INVALID
    title = "Invalid input"


class NotFound(OnrampError):
    code = "not_found"
    kind = ErrorKind.NOT_FOUND
    title = "Not found"


class Conflict(OnrampError):
    code = "conflict"
    kind = ErrorKind.CONFLICT
    title = "Conflict"


class Unauthenticated(OnrampError):
    code = "unauthenticated"
    kind = ErrorKind.UNAUTHENTICATED
    title = "Authentication required"


class Forbidden(OnrampError):
    code = "forbidden"
    kind = ErrorKind.FORBIDDEN
    title = "Forbidden"


class TooManyRequests(OnrampError):
    """Raise with ``retry_after=<seconds>``; the edge turns it into a Retry-After header."""

    code = "too_many_requests"
    kind = ErrorKind.TOO_MANY
    title = "Too many requests; slow down"


class Unavailable(OnrampError):
    code = "unavailable"
    kind = ErrorKind.UNAVAILABLE
    title = "A dependency is unavailable"


class InvariantViolated(OnrampError):
    """An internal rule that must always hold did not. Stays on in production."""

    code = "invariant_violated"
    kind = ErrorKind.INTERNAL
    title = "Internal invariant violated"
