"""One public surface per domain (issue 15 §1): rewrite imports that reach into another
package's submodules so they go through that package's ``__init__``, and export from each
``__init__`` what other packages use.

    .venv/bin/python tools/surface_codemod.py            # rewrite, then ruff --fix and format
    .venv/bin/python tools/surface_codemod.py --check    # exit 1 if anything would change

Re-runnable and idempotent: run it again after a rebase and it rewrites what the newly merged
code added. Three steps, in this order:

The tables it follows (moves, exceptions, surface names) are in ``tools/surface_rules.py``.

1. ``MOVED``: modules that left a package (the access kit went from ``identity`` to ``auth``)
   are renamed wherever they are named, as imports or as strings (monkeypatch targets, docs),
   in src, tests, bench and docs.
2. For every ``from onramp.<pkg>.<sub> import X`` in src outside ``<pkg>``, ``X`` is exported by
   ``onramp/<pkg>/__init__.py`` (explicit import + ``__all__``) and the import becomes
   ``from onramp.<pkg> import X``. A submodule imported as a module (``from onramp.<pkg> import
   sub``, then ``sub.f()``) is replaced by the names used from it. Inside a package, a module
   importing names from its own ``__init__`` imports them from the sibling that defines them
   (the ``__init__`` imports its modules eagerly: the other way round is an import cycle).
3. ``ruff check --fix`` (isort merges the imports) and ``ruff format`` over the touched files.

Tests may keep reaching into submodules (they test modules), so step 2 covers src only.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from surface_rules import (
    KEEP_IMPORTERS,
    KERNEL,
    PACKAGE,
    SRC,
    rename_moved,
    surface_name,
)

ROOT = SRC.parent


@dataclass(frozen=True)
class Export:
    """``from <module> import <name> as <exported>`` in a package's ``__init__``."""

    module: str
    name: str
    exported: str
    lazy: bool = False


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


# Step 2: where a name is defined, and what a package already exports ------------------------


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _lazy_node(tree: ast.Module) -> ast.Assign | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "_LAZY" for target in node.targets
        ):
            return node
    return None


def existing_surface(package: str) -> dict[str, Export]:
    """What ``onramp/<package>/__init__.py`` exports: its top-level imports from onramp (eager)
    and its ``_LAZY`` table (imported on first use, ``onramp.core.lazy``)."""
    tree = _parse(PACKAGE / package / "__init__.py")
    surface: dict[str, Export] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("onramp."):
            for alias in node.names:
                exported = alias.asname or alias.name
                surface[exported] = Export(node.module or "", alias.name, exported)
    lazy = _lazy_node(tree)
    table: dict[str, tuple[str, str]] = ast.literal_eval(lazy.value) if lazy else {}
    for exported, (module, name) in table.items():
        surface[exported] = Export(module, name, exported, lazy=True)
    surface.pop("lazy_exports", None)
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
    wanted = surface_name(module, name)
    target = origin(module, name)
    for export in surface.values():
        if origin(export.module, export.name) == target:
            return export.exported
    if wanted in surface or is_submodule(f"onramp.{package}", wanted):
        plan.problems.append(
            f"{package}: {wanted} from {module} clashes with a module or another name; "
            "add an ALIASES entry"
        )
        wanted = f"{module.rsplit('.', 1)[1]}_{name}"
    surface[wanted] = Export(module, name, wanted)
    return wanted


# Step 2: the importers -----------------------------------------------------------------------


Span = tuple[int, int, int, int]


def span(node: ast.expr | ast.stmt) -> Span:
    assert node.end_lineno is not None
    assert node.end_col_offset is not None
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
    # (module, attribute) -> the name it got here, so two modules' ``x`` do not collide.
    chosen: dict[tuple[str, str], str] = field(default_factory=dict)

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
        name = file.chosen.get((module, use.attr))
        if name is None:
            name = exported if exported not in file.bound else f"{local}_{use.attr}"
            file.chosen[(module, use.attr)] = name
            file.bound.add(name)
        imported[name] = alias_text(exported, name)
        plan.edits[file.path].append((*span(use), name))
    return sorted(set(imported.values()))


def rewrite_import(plan: Plan, file: ImporterFile, node: ast.ImportFrom) -> None:
    module = node.module or ""
    package = owner(module)
    if node.level or package not in packages():
        return
    if file.module in KEEP_IMPORTERS and package in (KEEP_IMPORTERS[file.module] or {package}):
        return
    if package == owner(file.module):
        if module == f"onramp.{package}" and not file.path.name == "__init__.py":
            import_siblings(plan, file, node, package)
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
            exported = export_for(plan, package, module, alias.name)
            # ``X as X`` is an explicit re-export: keep it one.
            surface.append(
                f"{exported} as {local}" if alias.asname else alias_text(exported, local)
            )
    if not surface:
        return
    indent = " " * node.col_offset
    lines = [f"from {module} import {', '.join(kept)}"] if kept else []
    lines.append(f"from onramp.{package} import {', '.join(sorted(set(surface)))}")
    plan.edits[file.path].append((*span(node), f"\n{indent}".join(lines)))


def import_siblings(plan: Plan, file: ImporterFile, node: ast.ImportFrom, package: str) -> None:
    """Inside a package a module imports its siblings, not its own ``__init__``: the
    ``__init__`` imports them, so going through it is an import cycle."""
    known = existing_surface(package)
    kept: list[str] = []
    by_module: dict[str, list[str]] = defaultdict(list)
    for alias in node.names:
        local = alias.asname or alias.name
        export = known.get(alias.name)
        if export is None or is_submodule(f"onramp.{package}", alias.name):
            kept.append(alias_text(alias.name, local))
        else:
            by_module[export.module].append(alias_text(export.name, local))
    if not by_module:
        return
    indent = " " * node.col_offset
    lines = [f"from onramp.{package} import {', '.join(kept)}"] if kept else []
    lines += [
        f"from {m} import {', '.join(sorted(names))}" for m, names in sorted(by_module.items())
    ]
    plan.edits[file.path].append((*span(node), f"\n{indent}".join(lines)))


def plan_importers(plan: Plan) -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_of(path)
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


def _lazy_blocks(exports: list[Export]) -> tuple[str, str]:
    """The ``if TYPE_CHECKING:`` imports (for mypy and import-linter) and the ``_LAZY`` table."""
    checking = "if TYPE_CHECKING:\n" + "".join(
        f"    from {e.module} import {e.name} as {e.exported}\n" for e in exports
    )
    table = "_LAZY = {\n" + "".join(
        f'    "{e.exported}": ("{e.module}", "{e.name}"),\n' for e in exports
    )
    return checking.rstrip("\n"), table + "}"


def _insertion(tree: ast.Module, text: str) -> tuple[int, int, int, int, str]:
    """``text`` after the last top-level import, or the docstring, or at the top."""
    imports = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    docstring = tree.body[0] if tree.body and isinstance(tree.body[0], ast.Expr) else None
    after = imports[-1] if imports else docstring
    if after is None:
        return (1, 0, 1, 0, text + "\n")
    end = span(after)[2:]
    return (*end, *end, "\n" + ("" if imports else "\n") + text)


def _all_edit(tree: ast.Module, names: set[str], lines: int) -> tuple[int, int, int, int, str]:
    text = "__all__ = [\n" + "".join(f'    "{name}",\n' for name in sorted(names)) + "]"
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return (*span(node), text)
    return (lines + 1, 0, lines + 1, 0, "\n" + text + "\n")


def surface_edits(plan: Plan, package: str) -> None:
    """New exports go to the package's lazy table, so importing the package stays as cheap as
    it was and each module still loads when an importer first names something in it."""
    init = PACKAGE / package / "__init__.py"
    known = existing_surface(package)
    new = [e for name, e in sorted(plan.surfaces[package].items()) if name not in known]
    if not new:
        return
    tree = _parse(init)
    lazy = sorted([e for e in known.values() if e.lazy] + new, key=lambda e: e.exported)
    checking, table = _lazy_blocks(lazy)
    table_node = _lazy_node(tree)
    checking_node = next((n for n in tree.body if isinstance(n, ast.If)), None)
    if table_node is None or checking_node is None:
        header = "from typing import TYPE_CHECKING\n\nfrom onramp.core.lazy import lazy_exports\n"
        getter = "__getattr__ = lazy_exports(__name__, _LAZY)"
        plan.edits[init].append(_insertion(tree, f"{header}\n{checking}\n\n{table}\n{getter}"))
    else:
        plan.edits[init].append((*span(checking_node), checking))
        plan.edits[init].append((*span(table_node), table))
    listed: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            listed = set(ast.literal_eval(node.value))
    names = listed | {e.exported for e in lazy}
    all_edit = _all_edit(tree, names, len(init.read_text().splitlines()))
    if not tree.body:  # an empty __init__: one text, in order
        plan.edits[init] = [(1, 0, 1, 0, plan.edits[init][0][4] + all_edit[4])]
    else:
        plan.edits[init].append(all_edit)


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
    # The venv's own ruff on files this script just wrote.
    subprocess.run([ruff, "check", "--fix", "-q", "--select", "I", *files], check=False)  # noqa: S603
    subprocess.run([ruff, "format", "--quiet", *files], check=True)  # noqa: S603


def make_plan() -> Plan:
    plan = Plan()
    plan_importers(plan)
    for package in packages():
        if plan.surfaces.get(package):
            surface_edits(plan, package)
    return plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if needed")
    args = parser.parse_args()
    renamed = rename_moved(args.check)
    if renamed and args.check:
        print("moved modules still named in:", *map(str, renamed), sep="\n  ")  # noqa: T201
        return 1
    plan = make_plan()
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
