"""Failure injection for the vendor sandboxes: what real banks, KYC vendors and issuers do on a
bad day, switched on per sandbox for a test or a fault-simulator run, never in onramp itself.

The faults, each a rate (0 to 1) of the requests or events it applies to:

- ``error_rate``: an API request is answered with one of ``error_statuses`` (500, 503) *before*
  the sandbox does anything with it, as a vendor's failing gateway answers;
- ``hang_rate``: an API request is done, and its answer is held ``hang_seconds`` (past the
  client's timeout): the effect happened, the caller never learns it;
- ``duplicate_rate``: a webhook event is delivered twice (the same bytes, a moment apart, so
  the two may overlap);
- ``delay_rate``: a webhook event's first delivery waits up to ``delay_seconds``;
- ``reorder_rate``: a webhook event is held back until the next event was delivered (or
  ``reorder_seconds`` passed): a later event arrives before an earlier one.

API faults apply to the request paths ``paths`` name (all when empty): a path starting with one
of them, or matching one as a glob (``/applicants/*/checks``); never ``/_faults`` or
``/healthz``. Every draw comes from one ``random.Random(seed)`` in the order the sandbox meets
requests and events, so the same seed over the same traffic makes the same faults.
They are switched on by ``PUT /_faults`` (:func:`faults_router`) or, from the start, by the
``SANDBOX_FAULTS`` environment variable holding the same JSON; ``GET /_faults`` says what is on
and what was done, ``DELETE /_faults`` switches everything off.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import logging
import os
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Request, Response
from pydantic import BaseModel, ConfigDict, Field

FAULTS_ENV = "SANDBOX_FAULTS"
CONTROL_PATHS = ("/_faults", "/healthz")

Rate = Annotated[float, Field(ge=0.0, le=1.0)]
Seconds = Annotated[float, Field(ge=0.0, le=600.0)]

_log = logging.getLogger("onramp.devstack.sandbox_kit.faults")


class FaultSettings(BaseModel):
    """What a sandbox gets wrong, and how often (all off by default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = 0
    error_rate: Rate = 0.0
    error_statuses: Annotated[list[Annotated[int, Field(ge=500, le=599)]], Field(min_length=1)] = [
        500,
        503,
    ]
    hang_rate: Rate = 0.0
    hang_seconds: Seconds = 11.0  # past onramp's 10 s vendor timeout
    paths: list[str] = []  # API path prefixes or globs the API faults apply to; empty: all
    duplicate_rate: Rate = 0.0
    delay_rate: Rate = 0.0
    delay_seconds: Seconds = 3.0
    reorder_rate: Rate = 0.0
    reorder_seconds: Seconds = 5.0

    @property
    def active(self) -> bool:
        rates = (self.error_rate, self.hang_rate, self.duplicate_rate, self.delay_rate)
        return any(rates) or bool(self.reorder_rate)


@dataclass(frozen=True)
class WebhookFaults:
    """What happens to one event: its first delivery ``delay`` seconds late, sent again
    ``duplicate_after`` seconds after the first (None: once), or ``held`` for the next event."""

    delay: float = 0.0
    duplicate_after: float | None = None
    held: bool = False


class FaultInjector:
    """A sandbox's faults: the settings, the seeded draws and a count of what was done."""

    def __init__(self, settings: FaultSettings | None = None) -> None:
        self.configure(settings or FaultSettings())

    def configure(self, settings: FaultSettings) -> None:
        """New settings, the random draws started again from their seed, the counts reset."""
        self.settings = settings
        self._rng = random.Random(settings.seed)  # noqa: S311 - a replayable draw, not a secret
        self.done: Counter[str] = Counter()
        if settings.active:
            _log.warning("faults on: %s", settings.model_dump_json())

    def _draw(self, rate: float) -> bool:
        return rate > 0 and self._rng.random() < rate

    def for_request(self, path: str) -> tuple[str, int] | None:
        """``("error", status)``, ``("hang", 0)`` or None for an API request to ``path``."""
        s = self.settings
        if path.startswith(CONTROL_PATHS) or not (s.error_rate or s.hang_rate):
            return None
        if s.paths and not any(path.startswith(p) or fnmatch.fnmatchcase(path, p) for p in s.paths):
            return None
        if self._draw(s.error_rate):
            self.done["errors"] += 1
            return "error", self._rng.choice(s.error_statuses)
        if self._draw(s.hang_rate):
            self.done["hangs"] += 1
            return "hang", 0
        return None

    def for_webhook(self) -> WebhookFaults:
        s = self.settings
        if not (s.duplicate_rate or s.delay_rate or s.reorder_rate):
            return WebhookFaults()
        if self._draw(s.reorder_rate):
            self.done["reordered"] += 1
            return WebhookFaults(held=True)
        delay = 0.0
        if self._draw(s.delay_rate):
            self.done["delayed"] += 1
            delay = self._rng.uniform(s.delay_seconds / 2, s.delay_seconds)
        duplicate = None
        if self._draw(s.duplicate_rate):
            self.done["duplicated"] += 1
            duplicate = self._rng.uniform(0.0, 0.5)  # at times while the first is in flight
        return WebhookFaults(delay=delay, duplicate_after=duplicate)

    def view(self) -> dict[str, Any]:
        return {"settings": self.settings.model_dump(), "done": dict(self.done)}


def faults_from_env(environ: dict[str, str] | None = None) -> FaultSettings:
    """The settings in ``$SANDBOX_FAULTS`` (JSON), or none switched on."""
    raw = (environ if environ is not None else dict(os.environ)).get(FAULTS_ENV, "")
    return FaultSettings.model_validate(json.loads(raw)) if raw.strip() else FaultSettings()


def faults_router(faults: FaultInjector) -> APIRouter:
    """``GET``, ``PUT`` and ``DELETE /_faults``: the control endpoint (no faults of its own)."""
    router = APIRouter()

    @router.get("/_faults")
    async def show() -> dict[str, Any]:
        return faults.view()

    @router.put("/_faults")
    async def switch_on(settings: FaultSettings) -> dict[str, Any]:
        faults.configure(settings)
        return faults.view()

    @router.delete("/_faults")
    async def switch_off() -> dict[str, Any]:
        faults.configure(FaultSettings())
        return faults.view()

    return router


def inject_api_faults(app: FastAPI, faults: FaultInjector, *, error_body: bytes) -> None:
    """Answer a drawn share of the app's requests with a 5xx (``error_body``, JSON) before
    they are handled, or handle them and answer ``hang_seconds`` late."""

    @app.middleware("http")
    async def vendor_faults(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        fault = faults.for_request(request.url.path)
        if fault is None:
            return await call_next(request)
        kind, status = fault
        if kind == "error":
            _log.warning("fault: %s %s answered %d", request.method, request.url.path, status)
            return Response(error_body, status_code=status, media_type="application/json")
        response = await call_next(request)
        _log.warning("fault: %s %s done, answer held", request.method, request.url.path)
        await asyncio.sleep(faults.settings.hang_seconds)
        return response
