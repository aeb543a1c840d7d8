"""The measured figures the docs quote, each traced to the run that measured it.

A bench run with ``--record`` writes ``bench/results/<bench>.json`` (``bench/record.py``: the
figures, the command, the date, the commit, the machine's cores and load); a figure measured
where no bench can rerun it in seconds (the whole stack, a soak, a drill) is copied into such a
file once, with ``recorded_from`` naming the note or commit that measured it. A page quotes a
figure with a marker right after the number:

    settles about **38.1 orders/s**<!-- figure: e2e.open_loop_settled_orders_per_second -->

and the number must be the recorded value rounded to the decimals the page prints. A dated log
of past runs (bench/README.md's tables, the screening rounds in docs/compliance.md) is its own
record: it sits between ``<!-- figures: log -->`` and ``<!-- figures: end -->`` (lines of
their own around a section, or inline around a phrase that sums the log up). Anywhere else a
number that looks measured (orders/s, ms, gas, recall %, ...) without a marker is an error:
``unmarked``. ``.venv/bin/python tools/docs_figures.py`` lists both kinds of problem.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
MARKER = re.compile(r"<!-- figure: (?P<name>[a-z0-9_]+\.[a-z0-9_.]+) -->")
LOG_BEGIN = "<!-- figures: log -->"
LOG_END = "<!-- figures: end -->"
LOGGED = re.compile(f"{re.escape(LOG_BEGIN)}.*?{re.escape(LOG_END)}", re.S)
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
UNIT = (
    r"(?:orders|names|requests|postings|deposits|logins|quotes|transfers|webhooks|payouts|rows"
    r"|transactions)"
)
# What a measured figure looks like: a rate, a latency, gas, a share of hits, a time to recover.
MEASURED = re.compile(
    rf"(?P<n>\d[\d,]*(?:\.\d+)?)(?:\s?{UNIT})?/s\b"
    r"|(?P<ms>\d[\d,]*(?:\.\d+)?)\s?(?:ms|µs)\b"
    r"|(?P<gas>\d[\d,]*(?:\.\d+)?)\s?(?:M?gas)\b"
    r"|(?P<kb>\d[\d,]*(?:\.\d+)?)\s?(?:kB|MB|MiB) of WAL"
)
PERCENT = re.compile(r"(?P<pct>\d[\d,]*(?:\.\d+)?)\s?%")
HIT_WORDS = re.compile(r"\b(?:recall|false hits?|look-alikes?|success)\b", re.I)
SECONDS = re.compile(r"(?P<s>\d[\d,]*(?:\.\d+)?)\ss\b")
ITEM = re.compile(r"\s*(?:[-*|]|\d+\.)\s")
TIMED_WORDS = re.compile(r"\bp\d\d|\brto|\brestore of|\bsettled\b|\bbooking\b", re.I)
# A bound, a target or a setting, not a measurement: "p99 under 100 ms", "≥ 99 %".
BOUND = re.compile(
    r"(?:≥|≤|<|>|=|under|below|above|over|at least|at most|up to|within|every|from|not"
    r"|reaching|crosses|target,?:?|goal:?)"
    r"\s*(?:\*\*)?$",
    re.I,
)


@dataclass(frozen=True)
class Quoted:
    """A marked figure: where, the number as the page prints it, and the recorded name."""

    where: str
    shown: str
    name: str


def doc_pages() -> list[Path]:
    return sorted(ROOT.glob("docs/**/*.md")) + [ROOT / "README.md", ROOT / "bench" / "README.md"]


def results(folder: Path = RESULTS) -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))}


def recorded(name: str, found: dict[str, dict[str, Any]]) -> float | None:
    bench, _, key = name.partition(".")
    value = found.get(bench, {}).get("figures", {}).get(key)
    return float(value) if isinstance(value, int | float) else None


def prose_lines(text: str) -> list[tuple[int, str, str]]:
    """The page's lines outside code blocks and outside logs of past runs: each line's number
    (from 1), its text with inline code blanked out (a command's ``--rate 40`` is no figure),
    and its paragraph's text (what the figure is about may be said on another line of it)."""
    kept: list[tuple[int, str]] = []
    fenced = False
    for number, line in enumerate(LOGGED.sub(_blank_log, text).splitlines(), start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            kept.append((number, line))
    first_of: dict[int, int] = {}  # each line's paragraph (a table row or list item alone)
    first, previous, blank = 0, 0, True
    for number, line in kept:
        if blank or number != previous + 1 or ITEM.match(line):
            first = number
        first_of[number] = first
        previous, blank = number, not line.strip()
    paragraphs: dict[int, str] = defaultdict(str)
    for number, line in kept:
        paragraphs[first_of[number]] += " " + line
    return [(number, _blank_code(line), paragraphs[first_of[number]]) for number, line in kept]


def _blank_log(log: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", log.group(0))


def _blank_code(line: str) -> str:
    return re.sub(r"`[^`]*`", lambda code: " " * len(code.group(0)), line)


def quoted(page: str, text: str) -> list[Quoted]:
    """Each marker with the number just before it (markup between them allowed)."""
    found = []
    for number, line, _ in prose_lines(text):
        for marker in MARKER.finditer(line):
            before = NUMBER.findall(line[: marker.start()])
            shown = before[-1] if before else ""
            found.append(Quoted(f"{page}:{number}", shown, marker.group("name")))
    return found


def shows(shown: str, value: float) -> bool:
    """Whether the page's number is the value rounded to the decimals it prints."""
    decimals = len(shown.partition(".")[2])
    return f"{value:.{decimals}f}" == shown.replace(",", "")


def drifted(pages: list[Path], found: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    for page in pages:
        for quote in quoted(page.relative_to(ROOT).as_posix(), page.read_text()):
            value = recorded(quote.name, found)
            if value is None:
                problems.append(f"{quote.where}: {quote.name} is recorded in no bench/results file")
            elif not shows(quote.shown, value):
                problems.append(f"{quote.where}: {quote.shown!r} but {quote.name} = {value}")
    return problems


def _marked_at(line: str, end: int) -> bool:
    """A marker follows the number before any other digit does."""
    after = line[end:]
    marker = MARKER.search(after)
    return marker is not None and not re.search(r"\d", MARKER.sub("", after[: marker.start()]))


def _looks_measured(line: str, paragraph: str) -> list[re.Match[str]]:
    found = list(MEASURED.finditer(line))
    if HIT_WORDS.search(paragraph):
        found += PERCENT.finditer(line)
    if TIMED_WORDS.search(paragraph):
        found += SECONDS.finditer(line)
    return found


def unmarked(page: str, text: str) -> list[str]:
    """Numbers in prose that look measured and carry no marker."""
    problems = []
    for number, line, paragraph in prose_lines(text):
        for match in _looks_measured(line, paragraph):
            start, end = match.span(match.lastgroup or 0)
            if BOUND.search(line[:start].rstrip()) or _marked_at(line, end):
                continue
            problems.append(f"{page}:{number}: {match.group(0)!r} in {line.strip()[:100]!r}")
    return problems


def unbalanced_logs(page: str, text: str) -> list[str]:
    problems = []
    opened = None
    for marker in re.finditer(f"{re.escape(LOG_BEGIN)}|{re.escape(LOG_END)}", text):
        line = text.count("\n", 0, marker.start()) + 1
        if marker.group(0) == LOG_BEGIN and opened is not None:
            problems.append(f"{page}:{line}: a log opened inside the log of line {opened}")
        elif marker.group(0) == LOG_END and opened is None:
            problems.append(f"{page}:{line}: a log's end without its start")
        opened = line if marker.group(0) == LOG_BEGIN else None
    if opened is not None:
        problems.append(f"{page}:{opened}: a log never ended ({LOG_END})")
    return problems


def problems(pages: list[Path] | None = None) -> list[str]:
    pages = doc_pages() if pages is None else pages
    found = drifted(pages, results())
    for page in pages:
        name, text = page.relative_to(ROOT).as_posix(), page.read_text()
        found += unbalanced_logs(name, text) + unmarked(name, text)
    return found


if __name__ == "__main__":
    listed = problems()
    print("\n".join(listed) or "every measured figure in the docs is marked and recorded")
    sys.exit(1 if listed else 0)
