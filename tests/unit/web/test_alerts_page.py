"""The back office's alerts page without a database: what its template shows to whom, and
which roles the sidebar offers it to."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from onramp.web.rendering import _ENV
from tests.unit.web.alerts_context import alerts_context


def _page(**changes: object) -> str:
    context = {**alerts_context(), **changes}
    return _ENV.get_template("admin/alerts.html").render(
        request=None,
        path="/admin/alerts",
        principal=SimpleNamespace(role="treasurer"),
        csrf="t",
        error=None,
        **context,
    )


def test_a_firing_alert_can_be_acknowledged_resolved_and_its_rule_silenced() -> None:
    (alert,) = alerts_context()["alerts"]  # type: ignore[misc]
    html = _page(alerts=[alert])
    assert f'action="/admin/alerts/{alert.id}/acknowledge"' in html
    assert f'action="/admin/alerts/{alert.id}/resolve"' in html
    assert 'id="silence-form"' in html
    assert "docs/alerts.md#payout-stuck" in html
    assert "silenced" in html
    assert "node upgrade" in html  # the active silence and its reason


def test_a_reader_sees_the_alerts_without_the_buttons() -> None:
    html = _page(can_manage=False)
    assert "/acknowledge" not in html
    assert 'id="silence-form"' not in html
    assert 'id="alerts"' in html


def test_an_acknowledged_alert_offers_resolve_only() -> None:
    (alert,) = alerts_context()["alerts"]  # type: ignore[misc]
    alert.state = "acknowledged"
    html = _page(alerts=[alert])
    assert "/acknowledge" not in html
    assert f"/admin/alerts/{alert.id}/resolve" in html


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("treasurer", True),
        ("admin", True),
        ("auditor", True),
        ("compliance_officer", True),
        ("support", False),
    ],
)
def test_the_sidebar_offers_alerts_to_who_may_read_them(role: str, sees: bool) -> None:
    page = _ENV.from_string(
        '{% extends "admin/layout.html" %}{% block content %}<h1>x</h1>{% endblock %}'
    )
    html = page.render(
        request=None, path="/admin", principal=SimpleNamespace(role=role), csrf="t", error=None
    )
    assert ('href="/admin/alerts"' in html) is sees
