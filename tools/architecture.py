"""The architecture as pyproject's import-linter contracts state it.

    .venv/bin/python tools/architecture.py mermaid     # print the layers diagram (Mermaid)
    .venv/bin/python tools/architecture.py docs        # redraw it in docs/architecture.md
    .venv/bin/python tools/architecture.py surfaces    # rewrite the one-surface contracts

The ``layers`` contract is the one source: the diagram is drawn from it, and
tests/unit/test_architecture.py fails when docs/architecture.md shows another one or when a
package under src/onramp has no one-surface contract (``surfaces`` writes them).
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
DOCS = ROOT / "docs" / "architecture.md"
PACKAGE = ROOT / "src" / "onramp"
DIAGRAM_BEGIN = "<!-- layers: drawn by tools/architecture.py from pyproject.toml; do not edit -->"
DIAGRAM_END = "<!-- layers: end -->"
SURFACES_BEGIN = "# one-surface contracts: written by tools/architecture.py surfaces\n"
SURFACES_END = "# one-surface contracts: end\n"
KERNEL = "core"

# Importers that may reach into any package's submodules (as in tools/surface_codemod.py).
SURFACE_EXCEPTIONS = {
    "onramp.core.db.schema": "Alembic's metadata imports every models module (no surface)",
}


@dataclass(frozen=True)
class Layer:
    modules: tuple[str, ...]
    optional: frozenset[str]
    independent: bool


def contracts(pyproject: Path = PYPROJECT) -> list[dict[str, Any]]:
    config = tomllib.loads(pyproject.read_text())
    found: list[dict[str, Any]] = config["tool"]["importlinter"]["contracts"]
    return found


def layers_contract(pyproject: Path = PYPROJECT) -> dict[str, Any]:
    (contract,) = [c for c in contracts(pyproject) if c["type"] == "layers"]
    return contract


def layers(pyproject: Path = PYPROJECT) -> list[Layer]:
    """Top to bottom, as the contract lists them."""
    parsed = []
    for raw in layers_contract(pyproject)["layers"]:
        independent = ":" not in raw
        names = [n.strip() for n in re.split(r"[|:]", raw)]
        optional = frozenset(n[1:-1] for n in names if n.startswith("("))
        parsed.append(Layer(tuple(n.strip("()") for n in names), optional, independent))
    return parsed


def sideways(pyproject: Path = PYPROJECT) -> list[tuple[str, str]]:
    """The layers contract's named exceptions, as (importer, imported) top-level names."""
    pairs = []
    for expression in layers_contract(pyproject).get("ignore_imports", []):
        importer, imported = (side.strip().split(".")[1] for side in expression.split("->"))
        # A wildcard (core.db.schema -> every domain, for Alembic) is said in words, not drawn.
        if "*" not in imported and (importer, imported) not in pairs:
            pairs.append((importer, imported))
    return pairs


def _node(name: str) -> str:
    return name.strip("_") or name


def mermaid(pyproject: Path = PYPROJECT) -> str:
    """Top to bottom, a module may import from the layers below its own. A box holds the
    modules of one layer; dashed modules are optional in the contract (moving now); dotted
    arrows are the contract's named exceptions."""
    lines = ["flowchart TB"]
    ids = []
    for index, layer in enumerate(layers(pyproject)):
        nodes = [
            f'{_node(n)}["{n}"]' + (":::moving" if n in layer.optional else "")
            for n in layer.modules
        ]
        if len(nodes) == 1:
            ids.append(_node(layer.modules[0]))
            lines.append(f"  {nodes[0]}")
            continue
        ids.append(f"L{index}")
        kind = "independent" if layer.independent else "may import each other"
        lines += [f'  subgraph L{index}["{kind}"]', "    direction LR"]
        lines += [f"    {node}" for node in nodes] + ["  end"]
    lines += [f"  {upper} --> {lower}" for upper, lower in zip(ids, ids[1:], strict=False)]
    lines += [f"  {_node(a)} -.-> {_node(b)}" for a, b in sideways(pyproject)]
    lines.append("  classDef moving stroke-dasharray: 4 4")
    return "\n".join(lines) + "\n"


def docs_diagram(docs: Path = DOCS) -> str:
    text = docs.read_text()
    start = text.index(DIAGRAM_BEGIN) + len(DIAGRAM_BEGIN)
    block = text[start : text.index(DIAGRAM_END)].strip()
    return block.removeprefix("```mermaid").removesuffix("```").strip() + "\n"


def write_docs(docs: Path = DOCS) -> None:
    text = docs.read_text()
    head, rest = text.split(DIAGRAM_BEGIN)
    tail = rest.split(DIAGRAM_END)[1]
    block = f"{DIAGRAM_BEGIN}\n```mermaid\n{mermaid()}```\n{DIAGRAM_END}"
    docs.write_text(head + block + tail)


def packages() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


# Imports one package's contract also lets through, and why.
PACKAGE_EXCEPTIONS: dict[str, dict[str, str]] = {}


def surface_contract(package: str) -> str:
    exceptions = {
        f"{importer} -> onramp.{package}.**": why for importer, why in SURFACE_EXCEPTIONS.items()
    }
    exceptions |= PACKAGE_EXCEPTIONS.get(package, {})
    ignores = "".join(f'  # {why}.\n  "{expression}",\n' for expression, why in exceptions.items())
    return (
        "[[tool.importlinter.contracts]]\n"
        f'name = "one surface: only onramp.{package} imports its submodules"\n'
        'type = "protected"\n'
        f'protected_modules = ["onramp.{package}.*"]\n'
        f'allowed_importers = ["onramp.{package}"]\n'
        f"ignore_imports = [\n{ignores}]\n"
        'unmatched_ignore_imports_alerting = "none"\n'
    )


def write_surfaces(pyproject: Path = PYPROJECT) -> None:
    text = pyproject.read_text()
    head, rest = text.split(SURFACES_BEGIN)
    tail = rest.split(SURFACES_END)[1]
    block = "\n".join(surface_contract(p) for p in packages() if p != KERNEL)
    pyproject.write_text(head + SURFACES_BEGIN + "\n" + block + "\n" + SURFACES_END + tail)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "mermaid":
        sys.stdout.write(mermaid())
    elif command == "docs":
        write_docs()
    elif command == "surfaces":
        write_surfaces()
    else:
        sys.stderr.write(__doc__ or "")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
