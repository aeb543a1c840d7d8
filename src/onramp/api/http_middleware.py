"""The shape every one of the API's own ASGI middlewares shares: it acts on HTTP requests only
(lifespan and websocket messages pass through untouched), and a header it adds never replaces
one the response already has."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HttpMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


def add_missing_headers(message: Message, headers: Iterable[tuple[str, str]]) -> None:
    """Adds to a response's start message the headers it does not already have."""
    present = {k.lower() for k, _ in message.get("headers", [])}
    extra = [
        (name.lower().encode(), value.encode())
        for name, value in headers
        if name.lower().encode() not in present
    ]
    message["headers"] = [*message.get("headers", []), *extra]
