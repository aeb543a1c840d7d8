"""Adds the request's RateLimit-* headers (decided by ``core.web.check_rate``) to its response,
whatever produced it: a route, an error handler, a replayed idempotent answer."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from onramp.core.ratelimit import Decision


class RateLimitHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                decision = scope.get("state", {}).get("rate_limit")
                if isinstance(decision, Decision):
                    present = {k.lower() for k, _ in message.get("headers", [])}
                    extra = [
                        (k.lower().encode(), v.encode())
                        for k, v in decision.headers().items()
                        if k.lower().encode() not in present
                    ]
                    message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
