"""One public surface per domain (issue 15 §1): rewrite imports that reach into another
package's submodules so they go through that package's ``__init__``, and export from each
``__init__`` what other packages use.

    .venv/bin/python tools/surface_codemod.py            # rewrite, then ruff --fix and format
    .venv/bin/python tools/surface_codemod.py --check    # exit 1 if anything would change

Re-runnable and idempotent: run it again after a rebase and it rewrites what the newly merged
code added. Three steps, in this order:

1. ``MOVED``: modules that left a package (the access kit went from ``identity`` to ``auth``)
   are renamed wherever they are named, as imports or as strings (monkeypatch targets, docs),
   in src, tests, bench and docs.
2. For every ``from onramp.<pkg>.<sub> import X`` in src outside ``<pkg>``, ``X`` is exported by
   ``onramp/<pkg>/__init__.py`` (explicit import + ``__all__``) and the import becomes
   ``from onramp.<pkg> import X``. A submodule imported as a module (``from onramp.<pkg> import
   sub``, then ``sub.f()``) is replaced by the names used from it.
3. ``ruff check --fix`` (isort merges the imports) and ``ruff format`` over the touched files.

Tests may keep reaching into submodules (they test modules), so step 2 covers src only.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "onramp"

# Old dotted module path -> new one (step 1).
MOVED: dict[str, str] = {
    "onramp.identity.permissions": "onramp.auth.permissions",
    "onramp.identity.tokens": "onramp.auth.tokens",
    "onramp.identity.access": "onramp.auth.access",
    "onramp.identity.cookies": "onramp.auth.cookies",
}
RENAMED_TREES = ("src", "tests", "bench", "docs", "migrations")

# The shared kernel: every package may import core's modules, which are its surface.
KERNEL = frozenset({"core"})

# Importers left as they are, and why (pyproject's one-surface contracts name the same).
KEEP_IMPORTERS = {
    # Alembic's metadata needs every domain's models module imported; tables are no surface.
    "onramp.schema": "Alembic metadata",
    "onramp.core.db.schema": "Alembic metadata",
    # Production wiring reaching into the dev stack: removed by the runtime branch (issue 15 §3).
    "onramp.issuer_wiring": "dev-stack wiring, being removed",
}

# A name that would be vague or ambiguous at the package's surface is exported under another.
ALIASES: dict[tuple[str, str], str] = {
    ("onramp.identity.approvals", "register"): "register_approval_action",
    ("onramp.identity.approvals", "decide"): "decide_approval",
    ("onramp.identity.approvals", "get_request"): "get_approval_request",
    ("onramp.identity.approvals", "request_approval"): "request_approval",
    ("onramp.banking.standing_references", "create"): "create_standing_reference",
    ("onramp.banking.standing_references", "revoke"): "revoke_standing_reference",
    ("onramp.banking.standing_references", "active"): "active_standing_references",
    ("onramp.compliance.cases", "assign"): "assign_case",
    ("onramp.compliance.cases", "attach"): "attach_to_case",
    ("onramp.compliance.repository", "screening_records"): "screening_records",
}


@dataclass(frozen=True)
class Export:
    """``from <module> import <name> as <exported>`` in a package's ``__init__``."""

    module: str
    name: str
    exported: str


@dataclass
class Plan:
    surfaces: dict[str, dict[str, Export]] = field(default_factory=lambda: defaultdict(dict))
    edits: dict[Path, list[tuple[int, int, int, int, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    problems: list[str] = field(default_factory=list)


def module_of(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def path_of(module: str) -> Path | None:
    base = SRC.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def packages() -> list[str]:
    found = (p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    return sorted(name for name in found if name not in KERNEL)


def owner(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else module


# Step 1 ------------------------------------------------------------------------------------


def _spellings() -> dict[str, str]:
    """Each move as a dotted path, without the ``onramp.`` prefix (prose, comments) and as a
    file path."""
    spellings = dict(MOVED)
    for old, new in MOVED.items():
        spellings[old.removeprefix("onramp.")] = new.removeprefix("onramp.")
        spellings[old.removeprefix("onramp.").replace(".", "/") + ".py"] = (
            new.removeprefix("onramp.").replace(".", "/") + ".py"
        )
    return spellings


def rename_moved(check: bool) -> list[Path]:
    spellings = _spellings()
    pattern = re.compile(
        "|".join(rf"(?<![\w./]){re.escape(old)}(?![\w])" for old in sorted(spellings, key=len)[::-1])
    )
    changed = []
    for tree in RENAMED_TREES:
        for path in sorted((ROOT / tree).rglob("*")):
            if path.suffix not in {".py", ".md", ".toml"} or not path.is_file():
                continue
            text = path.read_text()
            new = pattern.sub(lambda m: spellings[m.group(0)], text)
            if new != text:
                changed.append(path)
                if not check:
                    path.write_text(new)
    return changed


# Step 2: where a name is defined, and what a package already exports ------------------------


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def existing_surface(package: str) -> dict[str, Export]:
    """The names ``onramp/<package>/__init__.py`` imports at top level."""
    init = PACKAGE / package / "__init__.py"
    surface: dict[str, Export] = {}
    for node in _parse(init).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                exported = alias.asname or alias.name
                surface[exported] = Export(node.module, alias.name, exported)
    return surface


def origin(module: str, name: str, seen: frozenset[str] = frozenset()) -> tuple[str, str]:
    """Where ``module.name`` is really defined, following re-exports inside onramp."""
    path = path_of(module)
    if path is None or module in seen:
        return module, name
    for node in _parse(path).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if (alias.asname or alias.name) == name and node.module.startswith("onramp"):
                    if path_of(f"{node.module}.{alias.name}") is not None:
                        return f"{node.module}.{alias.name}", ""
                    return origin(node.module, alias.name, seen | {module})
    return module, name


def is_submodule(module: str, name: str) -> bool:
    return path_of(f"{module}.{name}") is not None


def export_for(plan: Plan, package: str, module: str, name: str) -> str:
    """The name under which ``package`` exports ``module.name`` (adding it if needed)."""
    surface = plan.surfaces[package]
    if not surface:
        surface.update(existing_surface(package))
    wanted = ALIASES.get((module, name), name)
    target = origin(module, name)
    for export in surface.values():
        if origin(export.module, export.name) == target:
            return export.exported
    if wanted in surface:
        plan.problems.append(
            f"{package}: {wanted} from {module} clashes with {surface[wanted].module}; "
            "add an ALIASES entry"
        )
        wanted = f"{module.rsplit('.', 1)[1]}_{name}"
    surface[wanted] = Export(module, name, wanted)
    return wanted


# Step 2: the importers -----------------------------------------------------------------------


Span = tuple[int, int, int, int]


def span(node: ast.expr | ast.stmt) -> Span:
    assert node.end_lineno is not None and node.end_col_offset is not None
    return node.lineno, node.col_offset, node.end_lineno, node.end_col_offset


def bound_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


@dataclass
class ImporterFile:
    path: Path
    module: str
    tree: ast.Module
    bound: set[str]

    def attribute_uses(self, local: str) -> list[ast.Attribute] | None:
        """``local.x`` everywhere, or None if ``local`` is also used otherwise."""
        attributes = [
            node
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == local
        ]
        values = {id(node.value) for node in attributes}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and node.id == local and id(node) not in values:
                return None
        return attributes


def alias_text(exported: str, local: str) -> str:
    return exported if exported == local else f"{exported} as {local}"


def module_as_names(
    plan: Plan, file: ImporterFile, package: str, module: str, local: str
) -> list[str] | None:
    """Replace ``local.x`` by names from the package's surface; the import aliases, or None."""
    uses = file.attribute_uses(local)
    if uses is None or any(is_submodule(module, use.attr) for use in uses):
        plan.problems.append(f"{file.module}: {module} is used as a module; left as it is")
        return None
    imported: dict[str, str] = {}
    for use in uses:
        exported = export_for(plan, package, module, use.attr)
        name = exported if exported not in file.bound else f"{local}_{use.attr}"
        imported[name] = alias_text(exported, name)
        plan.edits[file.path].append((*span(use), name))
    return sorted(set(imported.values()))


def rewrite_import(plan: Plan, file: ImporterFile, node: ast.ImportFrom) -> None:
    module = node.module or ""
    package = owner(module)
    if node.level or package not in packages() or package == owner(file.module):
        return
    kept: list[str] = []
    surface: list[str] = []
    for alias in node.names:
        local = alias.asname or alias.name
        if is_submodule(module, alias.name):
            names = module_as_names(plan, file, package, f"{module}.{alias.name}", local)
            if names is None:
                kept.append(alias_text(alias.name, local))
            surface.extend(names or [])
        elif module == f"onramp.{package}":
            kept.append(alias_text(alias.name, local))
        else:
            surface.append(alias_text(export_for(plan, package, module, alias.name), local))
    if not surface:
        return
    indent = " " * node.col_offset
    lines = [f"from {module} import {', '.join(kept)}"] if kept else []
    lines.append(f"from onramp.{package} import {', '.join(sorted(set(surface)))}")
    plan.edits[file.path].append((*span(node), f"\n{indent}".join(lines)))


def plan_importers(plan: Plan) -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_of(path)
        if module in KEEP_IMPORTERS:
            continue
        tree = _parse(path)
        file = ImporterFile(path, module, tree, bound_names(tree))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("onramp."):
                rewrite_import(plan, file, node)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.count(".") >= 2 and owner(alias.name) in packages():
                        if owner(alias.name) != owner(module):
                            plan.problems.append(f"{module}: import {alias.name}; by hand")


# Step 2: the surfaces ------------------------------------------------------------------------


def surface_edits(plan: Plan, package: str) -> None:
    init = PACKAGE / package / "__init__.py"
    surface = plan.surfaces[package]
    known = existing_surface(package)
    new = [export for name, export in sorted(surface.items()) if name not in known]
    if not new:
        return
    tree = _parse(init)
    imports = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    docstring = tree.body[0] if tree.body and isinstance(tree.body[0], ast.Expr) else None
    after = imports[-1] if imports else docstring
    lines = [f"from {e.module} import {alias_text(e.name, e.exported)}" for e in new]
    block = "\n".join(lines)
    if after is None:
        plan.edits[init].append((1, 0, 1, 0, block + "\n"))
    else:
        end = span(after)[2:]
        plan.edits[init].append((*end, *end, "\n" + ("" if imports else "\n") + block))
    listed: set[str] = set()
    assign = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            assign = node
            listed = set(ast.literal_eval(node.value))
    names = sorted(listed | set(known) | {e.exported for e in new})
    text = "__all__ = [\n" + "".join(f'    "{name}",\n' for name in names) + "]"
    if assign is not None:
        plan.edits[init].append((*span(assign), text))
    else:
        last = len(init.read_text().splitlines())
        plan.edits[init].append((last + 1, 0, last + 1, 0, "\n" + text + "\n"))


# Applying ------------------------------------------------------------------------------------


def apply(path: Path, edits: list[tuple[int, int, int, int, str]]) -> None:
    """Replace spans (1-based lines, UTF-8 byte columns, as ast gives them), last first."""
    lines = path.read_bytes().split(b"\n")
    for line, col, end_line, end_col, text in sorted(set(edits), reverse=True):
        while len(lines) < end_line:
            lines.append(b"")
        head, tail = lines[line - 1][:col], lines[end_line - 1][end_col:]
        lines[line - 1 : end_line] = (head + text.encode() + tail).split(b"\n")
    path.write_bytes(b"\n".join(lines))


def tidy(paths: list[Path]) -> None:
    ruff = str(Path(sys.executable).parent / "ruff")
    files = [str(p) for p in paths]
    subprocess.run([ruff, "check", "--fix", "--quiet", "--select", "I,F401", *files], check=False)
    subprocess.run([ruff, "format", "--quiet", *files], check=True)


def iter_plan() -> Iterator[Plan]:
    plan = Plan()
    plan_importers(plan)
    for package in packages():
        if plan.surfaces.get(package):
            surface_edits(plan, package)
    yield plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if needed")
    args = parser.parse_args()
    renamed = rename_moved(args.check)
    if renamed and args.check:
        print("moved modules still named in:", *map(str, renamed), sep="\n  ")  # noqa: T201
        return 1
    plan = next(iter_plan())
    for problem in plan.problems:
        print("codemod:", problem, file=sys.stderr)  # noqa: T201
    if args.check:
        for path in sorted(plan.edits):
            print("would rewrite", path.relative_to(ROOT))  # noqa: T201
        return 1 if plan.edits else 0
    for path, edits in plan.edits.items():
        apply(path, edits)
    touched = sorted(set(plan.edits) | {p for p in renamed if p.suffix == ".py"})
    if touched:
        tidy(touched)
    print(f"surface codemod: {len(plan.edits)} files rewritten, {len(renamed)} renamed")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
