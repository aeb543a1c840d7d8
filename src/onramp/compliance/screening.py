"""Batch screening: a CSV of names or a set of addresses against a list, one result per row.

The result dictionaries are the JSON lines of ``onramp screen names`` / ``onramp screen address``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onramp.compliance.errors import ScreeningBatchInvalid
from onramp.compliance.lists.model import SanctionsList
from onramp.compliance.matcher import AddressMatcher, NameMatcher

_HEADER = ("name", "date_of_birth", "country")


@dataclass(frozen=True)
class BatchRow:
    name: str
    date_of_birth: str | None = None
    country: str | None = None


def combine(lists: Sequence[SanctionsList]) -> SanctionsList:
    """One list holding every source's entries (today there is one source, OFAC SDN)."""
    if len(lists) == 1:
        return lists[0]
    entries = tuple(e for lst in lists for e in lst.entries)
    return SanctionsList(
        source="+".join(lst.source for lst in lists), format="", issued=None, entries=entries
    )


def read_batch(path: Path) -> Iterator[BatchRow]:
    """``name,date_of_birth,country`` rows; a header row is optional, the last two columns too."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScreeningBatchInvalid(f"{path.name}: {exc}") from exc
    return parse_batch(text, path.name)


def parse_batch(text: str, source: str) -> Iterator[BatchRow]:
    """The rows of a batch already read (a file, an uploaded CSV body)."""
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and tuple(c.lower() for c in cells[:3]) == _HEADER[: len(cells[:3])]:
            continue
        if len(cells) > len(_HEADER):
            raise ScreeningBatchInvalid(f"{source} line {number}: more than three columns")
        cells += [""] * (len(_HEADER) - len(cells))
        if not cells[0]:
            raise ScreeningBatchInvalid(f"{source} line {number}: no name")
        yield BatchRow(cells[0], cells[1] or None, cells[2] or None)


def screen_name(matcher: NameMatcher, row: BatchRow) -> dict[str, Any]:
    best = matcher.best(row.name, row.date_of_birth, row.country)
    hit = best is not None and best.score >= matcher.settings.threshold
    return {
        "name": row.name,
        "decision": "hit" if hit else "clear",
        "score": best.score if best is not None else 0.0,
        # The closest entry is named even when clear, so a reviewer sees how close it came.
        "entry_uid": best.entry_uid if best is not None else None,
        "entry_name": best.entry_name if best is not None else None,
        "matched_name": best.matched_name if best is not None else None,
        "reason": best.reason if best is not None else "no list name is close",
    }


def screen_address(matcher: AddressMatcher, address: str) -> dict[str, Any]:
    hits = matcher.screen(address)
    first = hits[0] if hits else None
    return {
        "address": address,
        "decision": "hit" if hits else "clear",
        "score": 100.0 if hits else 0.0,
        "entry_uid": first.entry_uid if first else None,
        "entry_name": first.entry_name if first else None,
        "currency": first.currency if first else None,
        "reason": f"listed {first.currency} address" if first else "not listed",
    }
