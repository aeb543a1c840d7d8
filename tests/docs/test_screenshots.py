"""The docs' pictures: every image a page shows exists; every screenshot a page shows is one a
browser test takes (``look(page, "name")`` in tests/browser, saved by `make screenshots`); and
no file in docs/screenshots/ is one no test takes any more (it could only go stale)."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

from tests.docs.tools import ROOT

SCREENSHOTS = ROOT / "docs" / "screenshots"
BROWSER_TESTS = ROOT / "tests" / "browser"
IMAGE = re.compile(r"!\[[^\]]*\]\((?P<md>[^)\s]+)|<img\s[^>]*src=[\"'](?P<html>[^\"']+)")


def doc_pages() -> list[Path]:
    return sorted(ROOT.glob("docs/**/*.md")) + [ROOT / "README.md", ROOT / "bench" / "README.md"]


def images_shown(page: Path) -> list[Path]:
    """The page's local images (web addresses left out), resolved from the page's folder."""
    found = [m.group("md") or m.group("html") for m in IMAGE.finditer(page.read_text())]
    return [(page.parent / t).resolve() for t in found if not re.match(r"[a-z]+:", t)]


def screenshots_taken(sources: list[Path]) -> tuple[set[str], tuple[str, ...]]:
    """The names ``look`` is called with: the literal ones, and the prefixes of the ones built
    at run time (``"auditor" + href.replace("/", "-")``, one per page the test walks)."""
    names: set[str] = set()
    prefixes: list[str] = []
    for source in sources:
        for call in ast.walk(ast.parse(source.read_text())):
            if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "look"):
                continue
            name = call.args[1] if len(call.args) > 1 else call.keywords[0].value
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                names.add(name.value)
            elif isinstance(name, ast.BinOp) and isinstance(name.left, ast.Constant):
                prefixes.append(str(name.left.value))
            else:
                raise AssertionError(f"{source}: look() with a name this test cannot read")
    return names, tuple(prefixes)


def taken(name: str, names: set[str], prefixes: tuple[str, ...]) -> bool:
    return name in names or name.startswith(prefixes)


def test_every_image_shown_exists() -> None:
    missing = [
        f"{page.relative_to(ROOT)}: {os.path.relpath(image, page.parent)}"
        for page in doc_pages()
        for image in missing_images(page)
    ]
    assert not missing


def missing_images(page: Path) -> list[Path]:
    return [image for image in images_shown(page) if not image.is_file()]


def test_every_screenshot_shown_is_taken_by_a_browser_test() -> None:
    names, prefixes = screenshots_taken(sorted(BROWSER_TESTS.glob("*.py")))
    shown = {i for page in doc_pages() for i in images_shown(page) if i.parent == SCREENSHOTS}
    assert shown  # the README and the manuals show some
    assert sorted(i.name for i in shown if not taken(i.stem, names, prefixes)) == []


def test_no_screenshot_is_left_that_no_test_takes() -> None:
    names, prefixes = screenshots_taken(sorted(BROWSER_TESTS.glob("*.py")))
    files = sorted(SCREENSHOTS.iterdir())
    assert [f.name for f in files if f.suffix != ".png" or not taken(f.stem, names, prefixes)] == []


def test_a_missing_image_and_a_stale_screenshot_are_caught(tmp_path: Path) -> None:
    (tmp_path / "shots").mkdir()
    (tmp_path / "shots" / "home.png").write_bytes(b"")
    page = tmp_path / "page.md"
    page.write_text(
        "![a](shots/home.png) <img alt='b' src=\"shots/gone.png\"> ![c](https://x.test/y.png)"
    )
    assert missing_images(page) == [tmp_path / "shots" / "gone.png"]
    test = tmp_path / "test_pages.py"
    test.write_text(
        "def test_x(web):\n"
        '    look(web, "home")\n'
        "    for href in pages:\n"
        '        look(web, "auditor" + href)\n'
    )
    names, prefixes = screenshots_taken([test])
    assert (names, prefixes) == ({"home"}, ("auditor",))
    assert taken("auditor-admin", names, prefixes)
    assert not taken("old-home", names, prefixes)
