"""Signed webhook delivery as the vendors' sandboxes do it.

An event is one body, sent again byte for byte on every attempt and every redelivery, signed
``t=<unix seconds>,v1=<hex>`` (``core.webhook_signatures``) at the time of that attempt. A 2xx
acknowledges; anything else, a connection error or a timeout is retried after 0.2 s, 0.4 s,
0.8 s ... capped, up to the policy's number of attempts. Each attempt is recorded on the event,
so a sandbox can show its deliveries the way a vendor's dashboard does. Switched on, the
sandbox's faults (``faults.py``) send an event twice, late, or after the event that follows it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx

from onramp.core.webhook_signatures import signature_for
from onramp.devstack.sandbox_kit.background import BackgroundWork
from onramp.devstack.sandbox_kit.faults import FaultInjector


def sign_payload(secret: bytes, timestamp: int, body: bytes) -> str:
    """The signature header value for ``body`` sent at ``timestamp`` (unix seconds)."""
    return f"t={timestamp},v1={signature_for(secret, timestamp, body)}"


def backoff_delay(attempt: int, *, base: float = 0.2, cap: float = 5.0) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based): 0.2, 0.4, ... <= 5."""
    if attempt < 1:
        raise ValueError("attempt numbers start at 1")
    return float(min(cap, base * 2 ** min(attempt - 1, 32)))


def iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 20
    base_delay: float = 0.2
    max_delay: float = 5.0
    timeout: float = 10.0  # per attempt


@dataclass
class Delivery:
    attempt: int
    status_code: int | None
    error: str | None
    at: str

    @property
    def acknowledged(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    def view(self) -> dict[str, Any]:
        return {
            "attempt": self.attempt,
            "status_code": self.status_code,
            "error": self.error,
            "at": self.at,
        }


class Deliverable(Protocol):
    """Whatever a sandbox notifies about (a booking, a check): its one event and its log."""

    event_id: str
    event_body: bytes
    deliveries: list[Delivery]
    attempts_started: int


@dataclass
class WebhookEvent:
    """A :class:`Deliverable` of its own, for a sandbox whose resources carry no event."""

    event_id: str
    event_body: bytes
    deliveries: list[Delivery] = field(default_factory=list)
    attempts_started: int = 0


class WebhookSender:
    """Delivers events to one URL in the background; creating it makes no network call."""

    def __init__(
        self,
        *,
        url: str,
        secret: bytes,
        signature_header: str,
        policy: DeliveryPolicy,
        background: BackgroundWork,
        log: logging.Logger,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        faults: FaultInjector | None = None,
    ) -> None:
        self.url = url
        self.policy = policy
        self._secret = secret
        self._header = signature_header
        self._background = background
        self._log = log
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._sleep = sleep
        self._faults = faults
        self._held: list[Deliverable] = []  # held back until the next event was delivered

    def schedule(self, event: Deliverable, *, delay: float = 0.0) -> None:
        """Deliver ``event`` in the background, the first attempt after ``delay`` seconds
        (and as the sandbox's faults say: twice, later, or after the next event)."""
        if self._faults is None:
            self._background.start(self.deliver(event, delay=delay))
            return
        fault = self._faults.for_webhook()
        if fault.held:
            self._held.append(event)
            self._background.start(self._release_late(event))
            return
        self._background.start(self._deliver_then_release(event, delay + fault.delay))
        if fault.duplicate_after is not None:
            again = delay + fault.delay + fault.duplicate_after
            self._background.start(self.deliver(event, delay=again))

    async def _deliver_then_release(self, event: Deliverable, delay: float) -> None:
        """Deliver ``event``, then the events held back before it: they arrive after it."""
        await self.deliver(event, delay=delay)
        held, self._held = self._held, []
        for earlier in held:
            self._background.start(self.deliver(earlier))

    async def _release_late(self, event: Deliverable) -> None:
        """A held event no later event came to overtake: delivered after the longest hold."""
        assert self._faults is not None
        await self._sleep(self._faults.settings.reorder_seconds)
        if any(e is event for e in self._held):
            self._held = [e for e in self._held if e is not event]
            await self.deliver(event)

    async def deliver(self, event: Deliverable, *, delay: float = 0.0) -> bool:
        """Attempt until acknowledged or out of attempts; whether it was acknowledged."""
        if delay > 0:
            await self._sleep(delay)
        policy = self.policy
        for attempt in range(1, policy.max_attempts + 1):
            if await self.attempt(event):
                return True
            if attempt < policy.max_attempts:
                await self._sleep(
                    backoff_delay(attempt, base=policy.base_delay, cap=policy.max_delay)
                )
        self._log.warning("giving up on %s", event.event_id)
        return False

    async def attempt(self, event: Deliverable) -> bool:
        """One signed POST of the event's body, recorded on the event."""
        event.attempts_started += 1
        number, started = event.attempts_started, iso_now()
        headers = {
            "Content-Type": "application/json",
            self._header: sign_payload(self._secret, int(time.time()), event.event_body),
        }
        status: int | None = None
        error: str | None = None
        try:
            response = await self._http().post(self.url, content=event.event_body, headers=headers)
            status = response.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        delivery = Delivery(number, status, error, started)
        event.deliveries.append(delivery)
        self._log.info("delivery %s #%d: %s", event.event_id, number, status or error)
        return delivery.acknowledged

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self.policy.timeout,
                transport=self._transport,
                follow_redirects=False,
                trust_env=False,  # webhooks go where configured, never via an env proxy
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
