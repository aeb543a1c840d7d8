"""tools/check_code_shape.py on small synthetic trees: each rule fails, an exempt data table and
a pending offender pass, and --write-pending writes down what fails today."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.tools.loading import load_tool

shape = load_tool("check_code_shape")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty ``src/`` and ``tools/`` in a repository root that is the working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "tools").mkdir()
    return tmp_path


def _write(root: Path, relative: str, text: str) -> None:
    (root / relative).write_text(text)


def _function(name: str, body_lines: int) -> str:
    body = "".join(f"    x{i} = {i}\n" for i in range(body_lines))
    return f"def {name}() -> None:\n{body}"


def _run(*args: str) -> int:
    code: int = shape.main(list(args))
    return code


def test_a_clean_tree_passes(tree: Path) -> None:
    _write(tree, "src/pkg/small.py", _function("short", 59))  # 60 lines with its def

    assert _run() == 0


def test_a_function_over_60_lines_fails(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tree, "src/pkg/long.py", "class Box:\n" + _indent(_function("long", 60)))

    assert _run() == 1
    assert "src/pkg/long.py:2: Box.long is 61 lines (at most 60)" in capsys.readouterr().err


def test_a_module_over_400_lines_fails(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tree, "src/pkg/table.py", "".join(f"A{i} = {i}\n" for i in range(401)))

    assert _run() == 1
    assert "src/pkg/table.py: 401 lines (at most 400)" in capsys.readouterr().err


def test_a_data_table_listed_as_exempt_passes(tree: Path) -> None:
    _write(tree, "src/pkg/table.py", "".join(f"A{i} = {i}\n" for i in range(401)))
    _write(
        tree,
        "tools/code_shape_exemptions.toml",
        '[exempt]\n"src/pkg/table.py" = "data table: one constant a line"\n',
    )

    assert _run() == 0


def test_an_exempt_file_that_does_not_exist_fails(tree: Path) -> None:
    _write(tree, "tools/code_shape_exemptions.toml", '[exempt]\n"src/pkg/gone.py" = "moved"\n')

    assert _run() == 1


def test_a_run_of_13_identical_lines_standing_twice_fails(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spaced = "".join(f"    total += {i}\n\n" for i in range(13))
    nested = "".join(f"        total += {i}\n" for i in range(13))
    _write(tree, "src/pkg/a.py", f"def a(total: int) -> int:\n{spaced}    return total\n")
    # Neither blank lines nor indentation hide a copy.
    _write(tree, "src/pkg/b.py", f"def b(total: int) -> int:\n    if total:\n{nested}")

    assert _run() == 1
    err = capsys.readouterr().err
    assert "src/pkg/a.py:2 and src/pkg/b.py:3: 13 or more identical lines" in err


def test_a_run_of_12_identical_lines_may_stand_twice(tree: Path) -> None:
    run = "".join(f"    total += {i}\n" for i in range(12))
    _write(tree, "src/pkg/a.py", f"def a(total: int) -> int:\n{run}    return total\n")
    _write(tree, "src/pkg/b.py", f"def b(total: int) -> int:\n{run}    return -total\n")

    assert _run() == 0


def test_a_shared_block_of_imports_is_not_a_copy(tree: Path) -> None:
    names = "".join(f"    name{i},\n" for i in range(14))
    block = f"from pkg.names import (\n{names})\n"
    _write(tree, "src/pkg/a.py", f"{block}\n\nA = name0\n")
    _write(tree, "src/pkg/b.py", f"{block}\n\nB = name1\n")

    assert _run() == 0


def test_a_repeated_run_within_one_file_fails(tree: Path) -> None:
    run = "".join(f"    total += {i}\n" for i in range(13))
    functions = [f"def f{n}(total: int) -> int:\n{run}    return total\n" for n in range(2)]
    _write(tree, "src/pkg/a.py", "\n\n".join(functions))

    assert _run() == 1


def test_write_pending_lists_todays_offenders_and_then_passes(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tree, "src/pkg/long.py", _function("long", 70))
    exemptions = tree / "tools" / "code_shape_exemptions.toml"

    assert _run("--write-pending") == 0
    assert '"src/pkg/long.py::long",' in exemptions.read_text()
    assert _run() == 0

    _write(tree, "src/pkg/longer.py", _function("longer", 70))  # a new offender still fails
    assert _run() == 1
    assert "src/pkg/longer.py:1: longer is 71 lines" in capsys.readouterr().err


def test_write_pending_keeps_the_exempt_tables_and_their_reasons(tree: Path) -> None:
    _write(tree, "src/pkg/table.py", "".join(f"A{i} = {i}\n" for i in range(401)))
    reason = 'data table: "quoted" names'
    exemptions = tree / "tools" / "code_shape_exemptions.toml"
    exemptions.write_text(f"[exempt]\n\"src/pkg/table.py\" = '{reason}'\n")

    assert _run("--write-pending") == 0

    loaded = shape.Exemptions.load(exemptions)
    assert loaded.exempt == {"src/pkg/table.py": reason}
    assert loaded.pending == {"modules": set(), "functions": set(), "duplicates": set()}


def _indent(text: str) -> str:
    return "".join(f"    {line}\n" for line in text.splitlines())
