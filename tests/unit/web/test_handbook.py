"""The docs site at /handbook: its built files as they are, under their own CSP, nothing outside
its directory, and nothing at all where the site was not built."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from onramp.core.settings import Settings
from onramp.core.settings.infrastructure import DevSettings
from onramp.runtime.app import create_app


def _client(site: Path) -> TestClient:
    settings = Settings(dev=DevSettings(handbook_dir=site))
    return TestClient(create_app(settings), follow_redirects=False)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "guides").mkdir(parents=True)
    (root / "index.html").write_text("<h1>onramp handbook</h1>")
    (root / "guides" / "errors.html").write_text("<h1>Errors</h1>")
    (tmp_path / "secret.txt").write_text("not a page")
    return root


def test_the_handbook_serves_the_built_site(site: Path) -> None:
    client = _client(site)
    assert client.get("/handbook").headers["location"] == "/handbook/index.html"
    page = client.get("/handbook/guides/errors.html")
    assert page.status_code == 200
    assert page.text == "<h1>Errors</h1>"
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp
    assert "frame-ancestors 'none'" in csp
    assert client.get("/handbook/").text == "<h1>onramp handbook</h1>"


@pytest.mark.parametrize(
    "path", ["/handbook/../secret.txt", "/handbook/%2e%2e/secret.txt", "/handbook/nope.html"]
)
def test_nothing_outside_the_site_is_served(site: Path, path: str) -> None:
    assert _client(site).get(path).status_code == 404


def test_no_built_site_serves_nothing(tmp_path: Path) -> None:
    assert _client(tmp_path / "missing").get("/handbook/index.html").status_code == 404
