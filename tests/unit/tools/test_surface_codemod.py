"""tools/surface_codemod.py on a small synthetic ``onramp`` tree: an import that reaches into
another package's submodule goes through that package's surface (which gains a lazy export), a
module imported as a module becomes the names used from it, a module importing its own package's
``__init__`` imports the sibling instead, moved modules are renamed wherever they are written, and
a second run changes nothing."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

TOOLS = Path(__file__).resolve().parents[3] / "tools"


@pytest.fixture
def codemod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The codemod and its rules, pointed at ``tmp_path`` (a repository root with ``src/``)."""
    monkeypatch.syspath_prepend(str(TOOLS))
    for name in ("surface_rules", "surface_codemod"):
        sys.modules.pop(name, None)
    surface_codemod = importlib.import_module("surface_codemod")
    surface_rules = sys.modules["surface_rules"]

    src = tmp_path / "src"
    for module in (surface_rules, surface_codemod):
        monkeypatch.setattr(module, "SRC", src)
        monkeypatch.setattr(module, "PACKAGE", src / "onramp")
        monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(surface_rules, "MOVED", {})
    monkeypatch.setattr(surface_rules, "ALIASES", {})
    monkeypatch.setattr(surface_rules, "KEEP_IMPORTERS", {})
    monkeypatch.setattr(surface_codemod, "KEEP_IMPORTERS", {})
    _write(tmp_path, "src/onramp/__init__.py", "")
    _write(tmp_path, "src/onramp/core/__init__.py", "")
    _write(tmp_path, "src/onramp/core/money.py", "def cents() -> int:\n    return 1\n")
    yield surface_codemod
    for name in ("surface_rules", "surface_codemod"):
        sys.modules.pop(name, None)


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _run(codemod: ModuleType) -> Any:
    """One run without the ruff tidy step; returns the plan."""
    codemod.rename_moved(False)
    plan = codemod.make_plan()
    for path, edits in plan.edits.items():
        codemod.apply(path, edits)
    return plan


def _ledger(root: Path) -> None:
    _write(root, "src/onramp/ledger/__init__.py", '"""The books."""\n')
    _write(root, "src/onramp/ledger/postings.py", "def post() -> None:\n    pass\n")


def test_a_reach_into_a_submodule_goes_through_the_surface(
    codemod: ModuleType, tmp_path: Path
) -> None:
    _ledger(tmp_path)
    _write(
        tmp_path,
        "src/onramp/orders/saga.py",
        "from onramp.ledger.postings import post\n\n\ndef run() -> None:\n    post()\n",
    )
    _write(tmp_path, "src/onramp/orders/__init__.py", "")

    plan = _run(codemod)

    assert not plan.problems
    saga = (tmp_path / "src/onramp/orders/saga.py").read_text()
    assert "from onramp.ledger import post\n" in saga
    surface = (tmp_path / "src/onramp/ledger/__init__.py").read_text()
    assert '"post": ("onramp.ledger.postings", "post")' in surface
    assert "__getattr__ = lazy_exports(__name__, _LAZY)" in surface
    assert '__all__ = [\n    "post",\n]' in surface
    assert not _run(codemod).edits, "a second run must change nothing"


def test_a_module_imported_as_a_module_becomes_the_names_used(
    codemod: ModuleType, tmp_path: Path
) -> None:
    _ledger(tmp_path)
    _write(tmp_path, "src/onramp/orders/__init__.py", "")
    _write(
        tmp_path,
        "src/onramp/orders/saga.py",
        "from onramp.ledger import postings\n\n\ndef run() -> None:\n    postings.post()\n",
    )

    _run(codemod)

    saga = (tmp_path / "src/onramp/orders/saga.py").read_text()
    assert "from onramp.ledger import post\n" in saga
    assert "    post()\n" in saga
    assert "postings" not in saga


def test_a_module_imports_its_sibling_not_its_own_package(
    codemod: ModuleType, tmp_path: Path
) -> None:
    _write(
        tmp_path,
        "src/onramp/ledger/__init__.py",
        "from onramp.ledger.postings import post\n\n__all__ = ['post']\n",
    )
    _write(tmp_path, "src/onramp/ledger/postings.py", "def post() -> None:\n    pass\n")
    _write(tmp_path, "src/onramp/ledger/journal.py", "from onramp.ledger import post\n")

    _run(codemod)

    assert (tmp_path / "src/onramp/ledger/journal.py").read_text() == (
        "from onramp.ledger.postings import post\n"
    )


def test_a_moved_module_is_renamed_in_code_and_docs(
    codemod: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    surface_rules = sys.modules["surface_rules"]
    monkeypatch.setattr(
        surface_rules, "MOVED", {"onramp.ledger.postings": "onramp.ledger.booking.postings"}
    )
    _write(tmp_path, "src/onramp/ledger/__init__.py", "")
    _write(tmp_path, "src/onramp/ledger/booking/__init__.py", "")
    _write(tmp_path, "src/onramp/ledger/booking/postings.py", "def post() -> None:\n    pass\n")
    _write(tmp_path, "tests/test_post.py", 'TARGET = "onramp.ledger.postings.post"\n')
    _write(tmp_path, "docs/ledger.md", "See `ledger/postings.py` and `ledger.postings`.\n")

    renamed = codemod.rename_moved(False)

    assert sorted(p.name for p in renamed) == ["ledger.md", "test_post.py"]
    assert (tmp_path / "tests/test_post.py").read_text() == (
        'TARGET = "onramp.ledger.booking.postings.post"\n'
    )
    assert (tmp_path / "docs/ledger.md").read_text() == (
        "See `ledger/booking/postings.py` and `ledger.booking.postings`.\n"
    )
    assert not codemod.rename_moved(True), "a second run renames nothing"


def test_a_module_that_became_a_sub_package_of_its_name_is_left_alone(
    codemod: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    surface_rules = sys.modules["surface_rules"]
    monkeypatch.setattr(
        surface_rules, "MOVED", {"onramp.ledger.journal": "onramp.ledger.journal.service"}
    )
    _write(tmp_path, "src/onramp/ledger/__init__.py", "")
    _write(tmp_path, "src/onramp/ledger/journal/__init__.py", "")
    _write(tmp_path, "src/onramp/ledger/journal/service.py", "")
    _write(tmp_path, "src/onramp/ledger/journal/lines.py", "")
    text = "from onramp.ledger.journal.lines import x\nfrom onramp.ledger.journal import y\n"
    _write(tmp_path, "tests/test_journal.py", text)

    codemod.rename_moved(False)

    assert (tmp_path / "tests/test_journal.py").read_text() == (
        "from onramp.ledger.journal.lines import x\nfrom onramp.ledger.journal.service import y\n"
    )


def test_a_surface_name_that_clashes_with_a_module_is_reported(
    codemod: ModuleType, tmp_path: Path
) -> None:
    _write(tmp_path, "src/onramp/ledger/__init__.py", "")
    _write(tmp_path, "src/onramp/ledger/journal.py", "")
    _write(tmp_path, "src/onramp/ledger/postings.py", "def journal() -> None:\n    pass\n")
    _write(tmp_path, "src/onramp/orders/__init__.py", "")
    _write(tmp_path, "src/onramp/orders/saga.py", "from onramp.ledger.postings import journal\n")

    plan = _run(codemod)

    assert plan.problems == [
        "ledger: journal from onramp.ledger.postings clashes with a module or another name; "
        "add an ALIASES entry"
    ]
    assert "from onramp.ledger import postings_journal as journal" in (
        (tmp_path / "src/onramp/orders/saga.py").read_text()
    )
