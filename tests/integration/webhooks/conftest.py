"""A local webhook receiver that verifies onramp's signatures with the ``standardwebhooks``
library, and fails the first requests it is told to fail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Receiver:
    url: str = ""
    secret: str = ""
    fail_next: int = 0  # answer 500 to this many requests, then 204
    always_fail: bool = False
    attempts: list[str] = field(default_factory=list)  # every request's webhook-id
    accepted: list[dict[str, Any]] = field(default_factory=list)  # bodies answered 2xx
    bad_signatures: int = 0
    refusals: list[str] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.attempts.append(request.headers.get("webhook-id", ""))
        try:
            payload = Webhook(self.secret).verify(body, dict(request.headers))
        except WebhookVerificationError as exc:
            self.bad_signatures += 1
            self.refusals.append(str(exc))
            return web.Response(status=400)
        if self.always_fail or self.fail_next > 0:
            self.fail_next -= 1
            return web.Response(status=500)
        self.accepted.append(payload)
        return web.Response(status=204)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    app = web.Application()
    app.router.add_post("/hook", found.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    found.url = f"http://127.0.0.1:{port}/hook"
    try:
        yield found
    finally:
        await runner.cleanup()
