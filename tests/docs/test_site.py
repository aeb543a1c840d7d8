"""`make docs`: the site builds with --strict (no broken link or anchor, no page left out of
the nav), offline (nothing loaded from another host), with the pages generated from the code,
and every test the checklists name exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs.tools import load_tool

checklists = load_tool("docs_checklists")
EXTERNAL_ASSET = re.compile(r"""<(?:script|link|img)[^>]+(?:src|href)=["']https?://""", re.I)


@pytest.mark.parametrize(
    ("page", "text"),
    [
        ("reference/database.html", "erDiagram"),
        ("reference/events.html", "onramp.orders.completed.v1"),
        ("reference/errors.html", "idempotency_key_reused"),
        ("reference/configuration.html", "ONRAMP_AUTH__JWT_SECRET"),
        ("reference/openapi.html", "/v1/orders"),
        ("security/asvs.html", "V2"),
        ("compliance/controls.html", "tests/"),
        ("architecture/flows.html", "sequenceDiagram"),
    ],
)
def test_generated_and_diagram_pages_are_built(site: Path, page: str, text: str) -> None:
    assert text in (site / page).read_text()


def test_the_site_is_offline(site: Path) -> None:
    assert (site / "assets" / "mermaid.min.js").stat().st_size > 1_000_000
    remote = [
        f"{page.relative_to(site)}: {match.group(0)}"
        for page in site.rglob("*.html")
        for match in EXTERNAL_ASSET.finditer(page.read_text())
    ]
    assert not remote


def test_the_machine_readable_documents_are_published(site: Path) -> None:
    assert '"openapi"' in (site / "reference" / "openapi.json").read_text()[:100]
    assert '"asyncapi": "3.0.0"' in (site / "reference" / "asyncapi.json").read_text()


@pytest.mark.parametrize("source", sorted(checklists.CHECKLISTS.values()), ids=lambda p: p.name)
def test_every_test_a_checklist_names_exists(source: Path) -> None:
    assert checklists.missing_tests(source) == []


def test_a_missing_test_is_caught(tmp_path: Path) -> None:
    listed = tmp_path / "list.yaml"
    listed.write_text(
        "items:\n- {id: X1, section: s, rule: r, status: met, how: h,"
        " tests: ['tests/docs/test_site.py::test_no_such_test']}\n"
        "- {id: X2, section: s, rule: r, status: done, how: h}\n"
    )
    assert checklists.missing_tests(listed) == [
        "X1: tests/docs/test_site.py::test_no_such_test does not exist",
        "X2: status 'done' not one of ('met', 'partial', 'not met', 'not applicable')",
    ]
