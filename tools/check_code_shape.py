"""Keep onramp's code in shape: no module in src/ over 400 lines, no function over 60, and no run
of 13 or more identical lines standing twice (issue 15).

Lines are counted as ``wc -l`` counts them; a function from its ``def`` to its last line (its
decorators left out); a duplicated run over stripped lines with blank ones left out, so that
indentation and spacing do not hide a copy, and import statements left out too (a shared list
of imported names is not copied code).

``tools/code_shape_exemptions.toml`` names what may break the rules: ``[exempt]``, files that
are data tables, each with the reason; ``[pending]``, today's offenders not split yet, which
``--write-pending`` rewrites from the current tree (anything new still fails).

    python tools/check_code_shape.py                  # exit 1 and a line per finding
    python tools/check_code_shape.py --write-pending  # accept today's findings as pending
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import sys
import tomllib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MIN_DUPLICATE_RUN = 13

DEFAULT_ROOT = Path("src")
DEFAULT_EXEMPTIONS = Path("tools/code_shape_exemptions.toml")

_HEADER = """\
# What tools/check_code_shape.py lets break its rules (a module over 400 lines, a function over
# 60, a run of 13+ identical lines standing twice in src/).
#
# [exempt]: files that are data tables rather than code, each with the reason. Edit by hand.
"""

_PENDING_HEADER = """\
# [pending]: today's offenders, not split yet. Not edited by hand: after a split lands, run
# `python tools/check_code_shape.py --write-pending` and commit the shorter list; anything not
# listed here fails `make lint`.
"""


@dataclass(frozen=True, order=True)
class Finding:
    """One broken rule. ``key`` names it in the pending section (stable across edits that do
    not fix it); ``detail`` says where and by how much."""

    kind: str  # "modules", "functions" or "duplicates": the pending section's lists
    key: str
    detail: str


@dataclass
class Exemptions:
    exempt: dict[str, str] = field(default_factory=dict)  # path -> reason
    pending: dict[str, set[str]] = field(default_factory=dict)  # kind -> keys

    @classmethod
    def load(cls, path: Path) -> Exemptions:
        if not path.exists():
            return cls()
        data = tomllib.loads(path.read_text())
        exempt = {str(k): str(v) for k, v in data.get("exempt", {}).items()}
        pending = {str(k): {str(x) for x in v} for k, v in data.get("pending", {}).items()}
        return cls(exempt=exempt, pending=pending)

    def allows(self, finding: Finding) -> bool:
        return finding.key in self.pending.get(finding.kind, set())

    def stale(self, found: set[tuple[str, str]]) -> list[tuple[str, str]]:
        """Pending entries the tree no longer breaks."""
        listed = {(kind, key) for kind, keys in self.pending.items() for key in keys}
        return sorted(listed - found)

    def render(self) -> str:
        lines = [_HEADER, "[exempt]"]
        lines += [f"{_toml_str(p)} = {_toml_str(r)}" for p, r in sorted(self.exempt.items())]
        lines += ["", _PENDING_HEADER.rstrip("\n"), "[pending]"]
        for kind in ("modules", "functions", "duplicates"):
            keys = sorted(self.pending.get(kind, set()))
            lines.append(f"{kind} = [")
            lines += [f"    {_toml_str(k)}," for k in keys]
            lines.append("]")
        return "\n".join(lines) + "\n"


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def python_files(root: Path, exempt: dict[str, str]) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if p.as_posix() not in exempt)


def long_modules(files: Sequence[Path]) -> Iterator[Finding]:
    for path in files:
        lines = path.read_text().count("\n")
        if lines > MAX_MODULE_LINES:
            detail = f"{path}: {lines} lines (at most {MAX_MODULE_LINES})"
            yield Finding("modules", path.as_posix(), detail)


def long_functions(files: Sequence[Path]) -> Iterator[Finding]:
    for path in files:
        for qualname, node in _functions(ast.parse(path.read_text(), filename=str(path))):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                detail = (
                    f"{path}:{node.lineno}: {qualname} is {length} lines "
                    f"(at most {MAX_FUNCTION_LINES})"
                )
                yield Finding("functions", f"{path.as_posix()}::{qualname}", detail)


_Function = ast.FunctionDef | ast.AsyncFunctionDef


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, _Function]]:
    """Every function, nested ones too, with its dotted name (``Class.method.inner``)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield prefix + node.name, node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


@dataclass(frozen=True)
class _Line:
    text: str
    number: int  # 1-based, in the file


def _code_lines(path: Path) -> list[_Line]:
    """The file's stripped lines, blank ones and imports left out: two modules importing the
    same dozen names have not copied any code."""
    text = path.read_text()
    imports = {
        n
        for node in ast.walk(ast.parse(text, filename=str(path)))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for n in range(node.lineno, (node.end_lineno or node.lineno) + 1)
    }
    numbered = enumerate(text.splitlines(), start=1)
    return [_Line(line.strip(), n) for n, line in numbered if line.strip() and n not in imports]


def duplicated_runs(files: Sequence[Path], run: int = MIN_DUPLICATE_RUN) -> Iterator[Finding]:
    """Each pair of files (or a file with itself) sharing a run of ``run``+ identical lines,
    reported once, at the first line of each side's first shared run."""
    lines = {path: _code_lines(path) for path in files}
    places: dict[str, list[tuple[Path, int]]] = defaultdict(list)
    for path, code in lines.items():
        for i in range(len(code) - run + 1):
            window = "\n".join(line.text for line in code[i : i + run])
            places[hashlib.sha256(window.encode()).hexdigest()].append((path, i))
    seen: dict[tuple[str, str], tuple[int, int]] = {}
    for where in places.values():
        for a, b in _distinct_pairs(where, run):
            sides = (a[0].as_posix(), b[0].as_posix())
            lines_at = (lines[a[0]][a[1]].number, lines[b[0]][b[1]].number)
            if sides not in seen or lines_at < seen[sides]:
                seen[sides] = lines_at
    for (first, second), (line_a, line_b) in sorted(seen.items()):
        detail = (
            f"{first}:{line_a} and {second}:{line_b}: {run} or more identical lines "
            f"(a run of {MIN_DUPLICATE_RUN - 1} at most may stand twice)"
        )
        yield Finding("duplicates", f"{first} = {second}", detail)


def _distinct_pairs(
    where: list[tuple[Path, int]], run: int
) -> Iterator[tuple[tuple[Path, int], tuple[Path, int]]]:
    """Pairs of occurrences that are two copies (not one run overlapping itself)."""
    ordered = sorted(where, key=lambda place: (place[0].as_posix(), place[1]))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if a[0] != b[0] or b[1] - a[1] >= run:
                yield a, b


def findings(root: Path, exemptions: Exemptions) -> list[Finding]:
    files = python_files(root, exemptions.exempt)
    found = [*long_modules(files), *long_functions(files), *duplicated_runs(files)]
    return sorted(found)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="default: src")
    parser.add_argument("--exemptions", type=Path, default=DEFAULT_EXEMPTIONS)
    parser.add_argument(
        "--write-pending",
        action="store_true",
        help="rewrite the exemptions file's [pending] section from the current tree",
    )
    args = parser.parse_args(argv)
    exemptions = Exemptions.load(args.exemptions)
    for path in sorted(exemptions.exempt):
        if not Path(path).exists():
            print(f"{args.exemptions}: exempt {path} does not exist", file=sys.stderr)
            return 1
    found = findings(args.root, exemptions)
    if args.write_pending:
        exemptions.pending = defaultdict(set)
        for finding in found:
            exemptions.pending[finding.kind].add(finding.key)
        args.exemptions.write_text(exemptions.render())
        print(f"{args.exemptions}: {len(found)} pending")
        return 0
    failing = [f for f in found if not exemptions.allows(f)]
    for finding in failing:
        print(finding.detail, file=sys.stderr)
    fixed = exemptions.stale({(f.kind, f.key) for f in found})
    if fixed:
        # Not a failure: another branch may still be splitting them when this one lands.
        listed = ", ".join(key for _, key in fixed)
        print(f"fixed but still pending (run --write-pending): {listed}", file=sys.stderr)
    if failing:
        print(
            f"{len(failing)} finding(s): split the code, or list a data table under [exempt] "
            f"in {args.exemptions} with the reason",
            file=sys.stderr,
        )
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
