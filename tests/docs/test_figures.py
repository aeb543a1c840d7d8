"""Every measured figure the docs quote is a recorded run's (tools/docs_figures.py): a marked
number equals its value in bench/results/ as the page rounds it, and no number that looks
measured goes unmarked outside a dated log of past runs. bench/record.py writes those files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.docs.tools import ROOT, load_tool

figures = load_tool("docs_figures")


def test_every_marked_figure_is_its_recorded_value() -> None:
    assert figures.drifted(figures.doc_pages(), figures.results()) == []


def test_no_measured_figure_goes_unmarked() -> None:
    found = [
        problem
        for page in figures.doc_pages()
        for problem in figures.unmarked(page.relative_to(ROOT).as_posix(), page.read_text())
        + figures.unbalanced_logs(page.relative_to(ROOT).as_posix(), page.read_text())
    ]
    assert found == []


def test_the_docs_quote_recorded_figures() -> None:
    quoted = {
        quote.name.partition(".")[0]
        for page in figures.doc_pages()
        for quote in figures.quoted(page.name, page.read_text())
    }
    assert {"screening", "recon", "gas_per_payout", "e2e", "ledger", "restore_drill"} <= quoted


@pytest.mark.parametrize("path", sorted((ROOT / "bench" / "results").glob("*.json")), ids=str)
def test_every_results_file_names_its_run(path: Path) -> None:
    record = json.loads(path.read_text())
    assert record["bench"] == path.stem
    assert record["command"]
    assert record["date"]
    assert record["machine"]["cores"]
    assert "commit" in record or record["recorded_from"]  # rerunnable, or traced to a note
    assert record["figures"]
    assert all(isinstance(v, int | float) for v in record["figures"].values())


def test_a_number_shows_its_value_rounded_as_the_page_prints_it() -> None:
    assert figures.shows("1,283", 1283.4)
    assert figures.shows("98.04", 98.0392)
    assert figures.shows("100.00", 100)
    assert not figures.shows("40", 38.1)
    assert not figures.shows("98.1", 98.04)


def test_a_drifted_or_unknown_figure_is_caught(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text(json.dumps({"figures": {"rate": 38.1, "gas": 56677}}))
    page = (
        "settles **38.1 orders/s**<!-- figure: x.rate --> at\n"
        "56,600 gas<!-- figure: x.gas --> and 3 ms<!-- figure: x.gone -->\n"
    )
    quotes = figures.quoted("p.md", page)
    assert [(q.where, q.shown, q.name) for q in quotes] == [
        ("p.md:1", "38.1", "x.rate"),
        ("p.md:2", "56,600", "x.gas"),
        ("p.md:2", "3", "x.gone"),
    ]
    found = figures.results(tmp_path)
    assert [figures.recorded(q.name, found) for q in quotes] == [38.1, 56677.0, None]


def test_an_unmarked_figure_is_caught_and_logs_bounds_and_commands_are_not() -> None:
    page = (
        "It settles 40 orders/s (`--rate 40/s`), under 100 ms, p99 1.85 s.\n"
        "\n"
        "Recall 98.04 %<!-- figure: s.r --> (200 / 204), false hits 0.62 %.\n"
        "Targets: ≥ 99 % recall.\n"
        "<!-- figures: log -->\n"
        "| 2026-12-07 | 8,650 orders/s |\n"
        "<!-- figures: end -->\n"
        "```\nbench: 12 ms\n```\n"
        "Recall <!-- figures: log -->was 92.3 %<!-- figures: end --> once.\n"
    )
    assert [p.split(": ", 1)[1][:9] for p in figures.unmarked("p.md", page)] == [
        "'40 order",
        "'1.85 s' ",
        "'0.62 %' ",
    ]
    assert figures.unbalanced_logs("p.md", page) == []
    assert figures.unbalanced_logs("p.md", "<!-- figures: log -->\n") == [
        "p.md:1: a log never ended (<!-- figures: end -->)"
    ]


def _record_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("record", ROOT / "bench" / "record.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_recorded_run_names_its_command_commit_and_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _record_module()
    monkeypatch.setattr(record, "RESULTS", tmp_path)
    monkeypatch.setattr("sys.argv", ["bench/recon.py", "--record"])
    written = json.loads(record.write("recon", {"orders_per_second": 2074.1}).read_text())
    assert written["command"] == ".venv/bin/python bench/recon.py --record"
    assert written["figures"] == {"orders_per_second": 2074.1}
    assert written["commit"]
    assert written["machine"]["cores"] >= 1
    assert written["date"].endswith("+00:00")
