"""The docs' runnable code blocks: a fenced block right after a ``<!-- runnable -->`` line is
run by tests/docs/test_runnable_blocks.py (from the repository root, ``.venv/bin`` first on
PATH), and must exit 0; a fenced block right after ``<!-- output -->`` that follows it is the
exact standard output it must print. So a command or a figure in a guide is one a test ran.

Mark only what is safe and quick to run anywhere: no network, nothing written outside a
temporary directory. A block that calls onramp's API is marked ``<!-- runnable: stack -->``
instead: tests/e2e/test_doc_blocks.py runs it against the test stack, with ``ONRAMP_URL`` the
API, ``EMAIL``/``PASSWORD`` a verified customer's sign-in and ``TOKEN`` their access token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNNABLE = "<!-- runnable -->"
RUNNABLE_ON_STACK = "<!-- runnable: stack -->"
OUTPUT = "<!-- output -->"
FENCE = re.compile(r"^(?P<fence>```+|~~~+)\s*(?P<lang>[\w+-]*)")
LANGUAGES = {"bash": "bash", "sh": "bash", "shell": "bash", "python": "python", "py": "python"}


@dataclass(frozen=True)
class Block:
    page: str  # docs-relative path
    line: int  # the opening fence's line, 1-based
    language: str  # "bash" or "python"
    code: str
    expected: str | None  # the exact stdout, when the page states it
    on_stack: bool = False  # calls a running stack's API

    @property
    def name(self) -> str:
        return f"{self.page}:{self.line}"


def _fenced(lines: list[str], start: int) -> tuple[str, str, int]:
    """The block whose fence opens at ``start``: its language, its text, the line after it."""
    match = FENCE.match(lines[start])
    if match is None:
        raise ValueError(f"line {start + 1}: a marker must stand right before a fenced block")
    fence = match.group("fence")
    end = start + 1
    while end < len(lines) and not lines[end].startswith(fence):
        end += 1
    return match.group("lang"), "\n".join(lines[start + 1 : end]) + "\n", end + 1


def blocks_of(page: Path, docs: Path = ROOT / "docs") -> list[Block]:
    lines = page.read_text().splitlines()
    found: list[Block] = []
    for index, line in enumerate(lines):
        if line.strip() not in (RUNNABLE, RUNNABLE_ON_STACK):
            continue
        lang, code, after = _fenced(lines, index + 1)
        if lang not in LANGUAGES:
            raise ValueError(
                f"{page}:{index + 2}: runnable blocks are bash or python, not {lang!r}"
            )
        expected = None
        following = after
        while following < len(lines) and not lines[following].strip():
            following += 1
        if following < len(lines) and lines[following].strip() == OUTPUT:
            expected = _fenced(lines, following + 1)[1]
        rel = page.relative_to(docs).as_posix()
        on_stack = line.strip() == RUNNABLE_ON_STACK
        found.append(Block(rel, index + 2, LANGUAGES[lang], code, expected, on_stack))
    return found


def all_blocks(docs: Path = ROOT / "docs") -> list[Block]:
    return [block for page in sorted(docs.rglob("*.md")) for block in blocks_of(page, docs)]
