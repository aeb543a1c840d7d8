"""What every sandbox's in-memory state starts from: the background work it finishes after
answering and the webhooks it sends, both stopped together when the app stops."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from onramp.devstack.sandbox_kit.background import BackgroundWork
from onramp.devstack.sandbox_kit.webhooks import DeliveryPolicy, WebhookSender


@dataclass(frozen=True)
class WebhookTarget:
    """Where a sandbox sends its webhooks and the secret that signs them; ``transport``
    replaces the network (tests)."""

    url: str
    secret: bytes
    transport: httpx.AsyncBaseTransport | None = None


class SandboxState:
    """Subclassed by each sandbox's books, which name their signature header, retry policy
    and logger."""

    def __init__(
        self,
        target: WebhookTarget,
        *,
        signature_header: str,
        policy: DeliveryPolicy,
        log: logging.Logger,
    ) -> None:
        self.webhook_url = target.url
        self.webhook_secret = target.secret
        self.background = BackgroundWork()
        self.webhooks = WebhookSender(
            url=target.url,
            secret=target.secret,
            signature_header=signature_header,
            policy=policy,
            background=self.background,
            log=log,
            transport=target.transport,
        )

    async def close(self) -> None:
        await self.background.close()
        await self.webhooks.close()


def sandbox_app(
    title: str, state: SandboxState, *, on_start: Callable[[], None] | None = None
) -> FastAPI:
    """The sandbox's ASGI app with ``GET /healthz``; ``on_start`` runs once the loop does (to
    start background work), and stopping the app stops the state's work and webhooks."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if on_start is not None:
            on_start()
        try:
            yield
        finally:
            await state.close()

    app = FastAPI(title=title, lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
