"""A bench's figures, kept: ``--record`` writes ``bench/results/<bench>.json`` with the figures,
the command that measured them, when, at which commit and on what machine (cores, load
average), so a number the docs quote names the run it came from (`<!-- figure: bench.key -->`
next to it; tests/docs/test_figures.py holds the two equal).

A figure is a plain number as measured (not rounded): a doc shows it rounded to the decimals it
prints ("1,283" for 1283.4, "98.04 %" for 98.0392).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def add_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--record",
        action="store_true",
        help="write the figures to bench/results/<bench>.json (the docs quote them from there)",
    )


def _commit() -> str:
    done = subprocess.run(  # noqa: S603 - git, on the repository itself
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def machine() -> dict[str, object]:
    return {"cores": os.cpu_count(), "load_average": [round(v, 1) for v in os.getloadavg()]}


def write(bench: str, figures: dict[str, float], note: str = "") -> Path:
    """Write (replace) the bench's results file; returns its path."""
    record: dict[str, object] = {
        "bench": bench,
        "command": " ".join([".venv/bin/python", *sys.argv]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "machine": machine(),
        "figures": dict(sorted(figures.items())),
    }
    if note:
        record["note"] = note
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{bench}.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    print(f"recorded: {path}")
    return path
