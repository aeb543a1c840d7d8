"""A table that may scroll sideways (``.table-responsive``) is reachable by keyboard: its box
takes the focus (``tabindex="0"``), so a keyboard user can scroll it (axe's
scrollable-region-focusable, which the browser tests check only when a table happens to be wider
than the window, as a long value in it can make it on any page)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).parents[3] / "src" / "onramp" / "web" / "templates"
WRAPPER = re.compile(r"<div[^>]*class=\"[^\"]*\btable-responsive\b[^\"]*\"[^>]*>")


def test_every_scrolling_table_takes_the_focus() -> None:
    wrappers = [
        (path.relative_to(TEMPLATES), tag)
        for path in sorted(TEMPLATES.rglob("*.html"))
        for tag in WRAPPER.findall(path.read_text())
    ]
    assert len(wrappers) > 30  # the pattern still finds them
    assert [(str(path), tag) for path, tag in wrappers if 'tabindex="0"' not in tag] == []
