"""One way to call a vendor's HTTP API (the bank, the KYC vendor, the USDC issuer).

Each call gets a timeout; a call that is safe to repeat (a GET, or a request the vendor
deduplicates by an idempotency key, which the adapter says with ``idempotent=True``) is retried
after a transport error or a transient answer (408, 425, 429, 5xx but 501), with exponential
backoff, a bounded number of times. Anything else is tried once: a POST that creates something
is never sent twice by this client. What the vendor answered becomes the adapter's own domain
error through its :class:`VendorErrors`, so core knows no domain and each adapter keeps its
codes. A :data:`RequestSigner` sees each request, as sent, before it leaves (an API key, an HMAC
over method, path and body). A 2xx answer is input like a webhook: it passes the rule of
``core/vendor_payloads.py`` (no control characters, bounded) or is the vendor unavailable.

Creating a client makes no network call; each call opens its own short-lived connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from onramp.core.errors import OnrampError
from onramp.core.vendor_payloads import MalformedVendorPayload, check_vendor_json

__all__ = [
    "IDEMPOTENT_METHODS",
    "TRANSIENT_STATUSES",
    "RequestSigner",
    "VendorErrors",
    "VendorHttpClient",
    "VendorRetry",
    "answer_summary",
    "bearer_token",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

RequestSigner = Callable[[httpx.Request], None]
"""Adds what authenticates a request (headers) to it, just before it is sent."""


@dataclass(frozen=True)
class VendorRetry:
    """How often an idempotent call is tried in all, and the waits between tries."""

    attempts: int = 3
    base_delay: float = 0.2
    max_delay: float = 2.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("a call is tried at least once")

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed try number ``attempt`` (1-based), never over the cap."""
        return float(min(self.max_delay, self.base_delay * 2 ** min(attempt - 1, 32)))


@dataclass(frozen=True)
class VendorErrors:
    """An adapter's own errors for what can go wrong on the wire."""

    unavailable: Callable[[str], OnrampError]  # no answer, or one that cannot be read
    # A non-2xx answer: its status and its JSON object (None when the body is not one).
    for_status: Callable[[int, Mapping[str, Any] | None], OnrampError]
    not_configured: Callable[[], OnrampError]  # no base URL

    @classmethod
    def all_as(
        cls, error: Callable[[str], OnrampError], *, vendor: str, not_configured: str
    ) -> VendorErrors:
        """Every failure as the one ``error`` of an adapter whose callers can only wait and
        retry; a vendor's answer summarised by :func:`answer_summary`."""

        def answered(status: int, body: Mapping[str, Any] | None) -> OnrampError:
            return error(answer_summary(vendor, status, body))

        return cls(
            unavailable=error, for_status=answered, not_configured=lambda: error(not_configured)
        )


def answer_summary(vendor: str, status: int, body: Mapping[str, Any] | None) -> str:
    """``"<vendor> answered <status> <code>"``: the vendor's problem code only, as its detail
    may echo what we sent (a creditor's or an applicant's personal data)."""
    code = body.get("code", "") if body else ""
    return f"{vendor} answered {status} {code}"


def bearer_token(token: str) -> RequestSigner:
    """A signer sending ``Authorization: Bearer <token>`` (nothing when the token is empty)."""

    def sign(request: httpx.Request) -> None:
        if token:
            request.headers["Authorization"] = f"Bearer {token}"

    return sign


class _Failed(Exception):
    def __init__(self, error: OnrampError, *, transient: bool) -> None:
        super().__init__(error.detail)
        self.error = error
        self.transient = transient


class VendorHttpClient:
    def __init__(
        self,
        *,
        vendor: str,
        base_url: str,
        errors: VendorErrors,
        timeout: float = 10.0,
        retry: VendorRetry | None = None,
        signer: RequestSigner | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.vendor = vendor  # how messages name it: "bank", "KYC vendor", "issuer"
        self._base_url = base_url.rstrip("/")
        self._errors = errors
        self._timeout = timeout
        self._retry = retry or VendorRetry()
        self._signer = signer
        self._headers = dict(headers or {})
        self._transport = transport
        self._sleep = sleep

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """The decoded JSON of a 2xx answer (``{}`` when empty); the adapter's error otherwise.

        ``idempotent`` defaults to what the method says; pass True for a POST the vendor
        deduplicates (it carries an idempotency key), so it may be retried too.
        """
        if not self._base_url:
            raise self._errors.not_configured()
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        attempts = self._retry.attempts if idempotent else 1
        for attempt in range(1, attempts + 1):
            try:
                return await self._once(method, path, json, content, headers)
            except _Failed as failed:
                if not failed.transient or attempt == attempts:
                    raise failed.error from failed.__cause__
            await self._sleep(self._retry.delay(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _once(
        self,
        method: str,
        path: str,
        json: Any,
        content: bytes | None,
        headers: Mapping[str, str] | None,
    ) -> Any:
        try:
            async with httpx.AsyncClient(
                base_url=self._base_url,
                timeout=self._timeout,
                transport=self._transport,
                follow_redirects=False,
                trust_env=False,  # vendors are called where configured, never via an env proxy
            ) as client:
                request = client.build_request(
                    method,
                    path,
                    json=json,
                    content=content,
                    headers={**self._headers, **(headers or {})},
                )
                if self._signer is not None:
                    self._signer(request)
                response = await client.send(request)
        except httpx.HTTPError as exc:
            error = self._errors.unavailable(f"{self.vendor}: {type(exc).__name__}")
            raise _Failed(error, transient=isinstance(exc, httpx.TransportError)) from exc
        status = response.status_code
        try:
            body = orjson.loads(response.content) if response.content else {}
        except orjson.JSONDecodeError as exc:
            if status < 300:
                error = self._errors.unavailable(f"{self.vendor}: JSONDecodeError")
                raise _Failed(error, transient=False) from exc
            body = None  # an error page, not the vendor's problem document
        if status >= 300:
            found = body if isinstance(body, dict) or body is None else {}
            error = self._errors.for_status(status, found)
            raise _Failed(error, transient=status in TRANSIENT_STATUSES)
        try:
            check_vendor_json(body)
        except MalformedVendorPayload as exc:
            error = self._errors.unavailable(f"{self.vendor} answered {exc.detail}")
            raise _Failed(error, transient=False) from exc
        return body
