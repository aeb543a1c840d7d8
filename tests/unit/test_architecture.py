"""The import-linter contracts cover every package, and docs/architecture.md draws the layers
the contract states (issue 15 §1, §4). ``lint-imports`` checks the code against the contracts;
these check the contracts against the tree and the docs."""

from __future__ import annotations

from pathlib import Path

from tests.unit.tools.loading import load_tool

ROOT = Path(__file__).resolve().parents[2]


architecture = load_tool("architecture")


def _top_level_modules() -> set[str]:
    root = ROOT / "src" / "onramp"
    packages = {p.name for p in root.iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in root.glob("*.py") if p.name != "__init__.py"}
    return packages | modules


def test_every_package_has_a_one_surface_contract() -> None:
    protected = {
        tuple(c["protected_modules"]): c["allowed_importers"]
        for c in architecture.contracts()
        if c["type"] == "protected"
    }
    missing = [
        package
        for package in architecture.packages()
        if package != architecture.KERNEL
        and protected.get((f"onramp.{package}.*",)) != [f"onramp.{package}"]
    ]
    assert missing == [], f"run tools/architecture.py surfaces to add contracts for {missing}"


def test_every_top_level_module_is_in_the_layers_contract() -> None:
    declared = {name for layer in architecture.layers() for name in layer.modules}
    assert _top_level_modules() - declared == set()
    assert architecture.layers_contract()["exhaustive"] is True


def test_the_layers_end_in_core_and_name_each_module_once() -> None:
    names = [name for layer in architecture.layers() for name in layer.modules]
    assert len(names) == len(set(names))
    assert architecture.layers()[-1].modules == ("core",)


def test_docs_draw_the_layers_the_contract_states() -> None:
    assert architecture.docs_diagram() == architecture.mermaid(), (
        "docs/architecture.md is out of date: run tools/architecture.py docs"
    )


def test_the_diagram_names_the_sideways_exceptions(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        "[tool.importlinter]\nroot_package = 'x'\n"
        "[[tool.importlinter.contracts]]\nname = 'l'\ntype = 'layers'\n"
        "layers = ['top : (moving)', 'mid', 'a | b', 'core']\n"
        "ignore_imports = ['x.a.sub -> x.top.y']\n"
    )
    drawn = architecture.mermaid(pyproject)
    assert 'moving["moving"]:::moving' in drawn
    assert 'subgraph L2["independent"]' in drawn
    assert "L0 --> mid\n  mid --> L2\n  L2 --> core" in drawn
    assert "a -.-> top" in drawn
