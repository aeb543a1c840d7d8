"""Adds the request's RateLimit-* headers (decided by ``core.web.check_rate``) to its response,
whatever produced it: a route, an error handler, a replayed idempotent answer."""

from __future__ import annotations

from starlette.types import Message, Receive, Scope, Send

from onramp.api.http_middleware import HttpMiddleware, add_missing_headers
from onramp.core.ratelimit import Decision


class RateLimitHeaders(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                decision = scope.get("state", {}).get("rate_limit")
                if isinstance(decision, Decision):
                    add_missing_headers(message, decision.headers().items())
            await send(message)

        await self.app(scope, receive, send_with_headers)
