"""The site's hooks (tools/docs_hooks.py): a link out of docs/ becomes the repository path as
code and warns when that path does not exist (an error under --strict), except the loose
links to what another branch writes; a permissions marker lists the role's permissions."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.docs.tools import ROOT, load_tool

hooks = load_tool("docs_hooks")


def _render(markdown: str) -> str:
    page = SimpleNamespace(file=SimpleNamespace(src_uri="guides/page.md"))
    config = {"docs_dir": str(ROOT / "docs")}
    result: str = hooks.on_page_markdown(markdown, page=page, config=config, files=None)
    return result


def test_a_link_to_a_repository_file_becomes_its_path(caplog: pytest.LogCaptureFixture) -> None:
    out = _render("see [the Dockerfile](../../deploy/Dockerfile) and [api](../api.md)")
    assert out == "see the Dockerfile (`deploy/Dockerfile`) and [api](../api.md)"
    assert not caplog.records


def test_a_link_to_a_missing_file_warns(caplog: pytest.LogCaptureFixture) -> None:
    _render("[gone](../../deploy/no-such-file.yaml)")
    assert "deploy/no-such-file.yaml, which does not exist" in caplog.text


def test_links_to_the_examples_and_the_client_are_loose(caplog: pytest.LogCaptureFixture) -> None:
    out = _render("[onboarding](../../examples/not-written-yet.py)")
    assert out == "onboarding (`examples/not-written-yet.py`)"
    assert not caplog.records


def test_a_permissions_marker_lists_the_roles_permissions() -> None:
    out = _render("<!-- permissions: auditor -->")
    assert "- `audit:read`" in out
    assert "treasury:sign" not in out
    assert "- `back_office:open` (never on an API key)" in out


def test_the_generated_pages_are_all_listed_in_the_nav() -> None:
    nav = (ROOT / "mkdocs.yml").read_text()
    assert all(name in nav for name in hooks._pages())
    assert Path(hooks.MERMAID).name == "mermaid.min.js"
