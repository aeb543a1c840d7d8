"""Every source file the docs name by its path exists: a module that moves (tools/surface_rules.py
MOVED renames dotted names, not every prose spelling) must not leave a page pointing nowhere."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", ROOT / "bench" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PATH = re.compile(r"\bsrc/onramp/[a-z0-9_/]+\.py\b")


def test_every_source_path_in_the_docs_exists() -> None:
    missing = [
        f"{page.relative_to(ROOT)}: {path}"
        for page in PAGES
        for path in sorted(set(PATH.findall(page.read_text())))
        if not (ROOT / path).is_file()
    ]
    assert not missing, "\n".join(missing)
