"""The API's /metrics with a scrape token configured: refused without it, before any query."""

from __future__ import annotations

from fastapi.testclient import TestClient
from pydantic import SecretStr

from onramp.core.metrics import scrape_allowed
from onramp.core.settings import MetricsSettings, Settings
from onramp.runtime.app import create_app


def test_the_apis_metrics_refuse_a_scraper_without_the_token() -> None:
    settings = Settings(metrics=MetricsSettings(token=SecretStr("s3cret-scrape-token")))
    client = TestClient(create_app(settings))

    bare = client.get("/metrics")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-tokeN"})

    for refused in (bare, wrong):
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "metrics_token_required"


def test_the_token_is_a_bearer_credential_and_unset_means_open() -> None:
    assert scrape_allowed(None, "")
    assert scrape_allowed("Bearer t0ken", "t0ken")
    assert scrape_allowed("bearer t0ken", "t0ken")
    assert not scrape_allowed(None, "t0ken")
    assert not scrape_allowed("Basic t0ken", "t0ken")
    assert not scrape_allowed("Bearer t0ke", "t0ken")
