"""What the client raises: an API error carries the problem+json body's stable ``code``."""

from __future__ import annotations

from typing import Any


class OnrampClientError(Exception):
    """Everything this package raises derives from this."""


class ApiError(OnrampClientError):
    """An RFC 9457 problem+json answer (any status of 400 or more).

    Branch on ``code`` (stable), not on ``title`` or ``detail`` (prose). ``problem`` holds the
    whole body: some codes carry more (``errors`` of ``request_invalid``, ``remaining_eur`` of
    ``order_limit_exceeded``). ``retry_after`` is the ``Retry-After`` header in seconds, if any.
    """

    def __init__(
        self, status: int, code: str, problem: dict[str, Any], retry_after: float | None = None
    ) -> None:
        self.status = status
        self.code = code
        self.problem = problem
        self.retry_after = retry_after
        super().__init__(f"{status} {code}: {problem.get('detail') or problem.get('title', '')}")

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed later unchanged (throttled or busy)."""
        return self.status in (429, 503)


class WebhookVerificationError(OnrampClientError):
    """A webhook whose signature, timestamp or headers do not check out: reject it."""
