"""How much a request may send: a body over its route's limit is refused with 413
``request_too_large`` before the app reads it into memory.

A declared ``Content-Length`` over the limit is refused before anything is read (the server
never passes on more than the length declared); a chunked body, which names no length, is read
here up to the limit and handed on only if it fits. Routes that take files (a case's
attachment, a screening batch) have their own, larger limit; every other route takes the default,
far above any JSON document the API defines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from onramp.api.errors import problem
from onramp.api.http_middleware import HttpMiddleware

DEFAULT_MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class BodyLimits:
    default: int = DEFAULT_MAX_BODY_BYTES
    # A path pattern (full match) -> its limit in bytes.
    larger: Mapping[str, int] = field(default_factory=dict)

    def for_path(self, path: str) -> int:
        for pattern, limit in self.larger.items():
            if re.fullmatch(pattern, path):
                return limit
        return self.default


class BodyLimit(HttpMiddleware):
    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        super().__init__(app)
        self.limits = limits

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limits.for_path(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            # The server never hands on more than a declared length.
            if not declared.isdigit() or int(declared) <= limit:
                await self.app(scope, receive, send)
            else:
                await self._refuse(scope, receive, send, limit)
            return
        # Chunked: read it here, up to the limit, and hand the app what was read.
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            if received > limit:
                await self._refuse(scope, receive, send, limit)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem(
            status=413,
            code="request_too_large",
            title="The request body is too large",
            detail=f"this route takes at most {limit} bytes",
            instance=scope["path"],
            headers={"connection": "close"},
        )
        await response(scope, receive, send)
