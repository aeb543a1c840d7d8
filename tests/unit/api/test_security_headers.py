"""Every response carries the security headers; no cross-origin access is granted."""

from __future__ import annotations

from fastapi.testclient import TestClient

from onramp.core.settings import Settings
from onramp.runtime.app import create_app


def _client() -> TestClient:
    # No lifespan: these routes need no database.
    return TestClient(create_app(Settings()))


def test_security_headers_on_json_and_errors() -> None:
    client = _client()
    for response in (client.get("/healthz"), client.get("/no-such-route")):
        assert response.headers["strict-transport-security"].startswith("max-age=")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"


def test_cors_is_closed() -> None:
    client = _client()
    preflight = client.options(
        "/v1/quotes",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    simple = client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


def test_the_docs_page_may_load_its_own_assets() -> None:
    docs = _client().get("/docs")
    assert docs.status_code == 200
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]
    assert "script-src" in docs.headers["content-security-policy"]
