"""What every sandbox's in-memory state starts from: the background work it finishes after
answering, the webhooks it sends (both stopped together when the app stops) and the faults it
is told to inject (``faults.py``)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from onramp.devstack.sandbox_kit.background import BackgroundWork
from onramp.devstack.sandbox_kit.faults import (
    FaultInjector,
    faults_from_env,
    faults_router,
    inject_api_faults,
)
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
        self.faults = FaultInjector(faults_from_env())
        self.webhooks = WebhookSender(
            url=target.url,
            secret=target.secret,
            signature_header=signature_header,
            policy=policy,
            background=self.background,
            log=log,
            transport=target.transport,
            faults=self.faults,
        )

    async def close(self) -> None:
        await self.background.close()
        await self.webhooks.close()


# What an injected 5xx answers: the shape of the bank's and the KYC vendor's problems, with the
# ``code`` and ``message`` the issuer's clients read.
FAULT_BODY = (
    b'{"type":"urn:sandbox:problem:unavailable","title":"Service unavailable",'
    b'"detail":"injected fault","code":"unavailable","message":"injected fault"}'
)


def sandbox_app(
    title: str, state: SandboxState, *, on_start: Callable[[], None] | None = None
) -> FastAPI:
    """The sandbox's ASGI app with ``GET /healthz`` and the fault control ``/_faults``;
    ``on_start`` runs once the loop does (to start background work), and stopping the app
    stops the state's work and webhooks."""

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

    app.include_router(faults_router(state.faults))
    inject_api_faults(app, state.faults, error_body=FAULT_BODY)

    return app
