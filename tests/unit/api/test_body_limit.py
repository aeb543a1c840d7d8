"""A body over its route's limit is refused with 413 before the app reads it: declared by
Content-Length or sent chunked. A body within it reaches the route whole."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from onramp.api.app import body_limits
from onramp.api.body_limit import DEFAULT_MAX_BODY_BYTES, BodyLimit, BodyLimits
from onramp.core.settings import Settings
from onramp.runtime.app import create_app

read: list[int] = []


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    read.append(len(body))
    return JSONResponse({"bytes": len(body)})


def _app() -> Starlette:
    app = Starlette(
        routes=[Route("/small", echo, methods=["POST"]), Route("/files", echo, methods=["POST"])]
    )
    app.add_middleware(BodyLimit, limits=BodyLimits(default=10, larger={"/files": 100}))
    return app


async def _chunks(size: int) -> AsyncIterator[bytes]:
    for _ in range(size):
        yield b"x"


@pytest.fixture
def client() -> httpx.AsyncClient:
    read.clear()
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://t")


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_a_body_over_the_limit_is_413_and_the_route_never_runs(
    client: httpx.AsyncClient, chunked: bool
) -> None:
    content = _chunks(11) if chunked else b"x" * 11

    r = await client.post("/small", content=content)

    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "request_too_large"
    assert r.json()["detail"] == "this route takes at most 10 bytes"
    assert read == []


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_a_body_within_its_routes_limit_arrives_whole(
    client: httpx.AsyncClient, chunked: bool
) -> None:
    small = await client.post("/small", content=_chunks(10) if chunked else b"x" * 10)
    files = await client.post("/files", content=_chunks(100) if chunked else b"x" * 100)

    assert (small.json(), files.json()) == ({"bytes": 10}, {"bytes": 100})
    assert (await client.post("/files", content=b"x" * 101)).status_code == 413


def test_the_app_refuses_a_large_json_body_but_takes_an_attachments_size() -> None:
    settings = Settings()
    client = TestClient(create_app(settings))
    too_large = b"{" + b" " * DEFAULT_MAX_BODY_BYTES + b"}"

    refused = client.post(
        "/v1/quotes", content=too_large, headers={"content-type": "application/json"}
    )

    assert refused.status_code == 413
    assert refused.headers["x-content-type-options"] == "nosniff"  # inside the security headers
    limits = body_limits(settings)
    attachments = limits.for_path("/v1/compliance/cases/abc/attachments")
    assert attachments > settings.compliance.attachment_max_bytes
    assert limits.for_path("/v1/quotes") == DEFAULT_MAX_BODY_BYTES
