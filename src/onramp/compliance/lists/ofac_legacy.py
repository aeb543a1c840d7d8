"""OFAC legacy CSV set (sdn.csv + add.csv + alt.csv + sdn_comments.csv) -> ``ListEntry``.

``sdn.csv`` cuts Remarks at 1,000 characters and continues them in ``sdn_comments.csv``; the cut
falls anywhere, even inside an address, so the parts are joined before the Remarks are parsed.
A reader of ``sdn.csv`` alone misses those addresses (Tornado Cash shows 12 of its 90). Weak
a.k.a.s appear only in Remarks (``a.k.a. 'X'``); ``alt.csv`` holds the strong ones.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path

from onramp.compliance.errors import SanctionsListInvalid
from onramp.compliance.lists.model import (
    Alias,
    CurrencyAddress,
    EntryType,
    ListEntry,
    SanctionsList,
)

FORMAT = "ofac-legacy-csv"
_NULL = "-0-"
_SDN_COLUMNS = 12
_TYPES = {
    "individual": EntryType.INDIVIDUAL,
    "vessel": EntryType.VESSEL,
    "aircraft": EntryType.AIRCRAFT,
    "": EntryType.ENTITY,  # OFAC leaves the type of an entity empty (-0-)
}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_ADDRESS = re.compile(r"Digital Currency Address - ([A-Z0-9]+) ([A-Za-z0-9]+)")
_WEAK_AKA = re.compile(r"a\.k\.a\. '([^']+)'")
_DOB = re.compile(r"\bDOB (?:circa )?([^;]+)")
_COUNTRY = re.compile(r"\b(?:nationality|citizen) ([^;.]+)")


def _cell(value: str) -> str:
    value = value.strip()
    return "" if value == _NULL else value


def _rows(path: Path) -> list[list[str]]:
    try:
        # Latin-1 decodes any byte; the files end with a DOS EOF byte (0x1A).
        text = path.read_bytes().decode("latin-1").replace("\x1a", "")
    except OSError as exc:
        raise SanctionsListInvalid(f"{path.name}: {exc}") from exc
    return [row for row in csv.reader(io.StringIO(text)) if row and any(c.strip() for c in row)]


def _iso_date(text: str) -> str | None:
    # A row's remarks may end right after the date, with their full stop ("22 Sep 1981.").
    words = text.replace(",", " ").replace(".", " ").split()
    day, month, year = (words + ["", "", ""])[:3]
    if len(words) == 3 and month[:3].lower() in _MONTHS and day.isdigit() and year.isdigit():
        return f"{int(year):04d}-{_MONTHS[month[:3].lower()]:02d}-{int(day):02d}"
    years = [w for w in words if w.isdigit() and len(w) == 4]
    if len(years) == 2:
        return f"{years[0]}/{years[1]}"
    return years[0] if years else None


def _from_remarks(remarks: str) -> tuple[list[str], list[str], list[CurrencyAddress], list[Alias]]:
    births = [d for d in (_iso_date(m) for m in _DOB.findall(remarks)) if d]
    countries = [c.strip() for c in _COUNTRY.findall(remarks)]
    addresses = [CurrencyAddress(cur, addr) for cur, addr in _ADDRESS.findall(remarks)]
    weak = [Alias(name=n.strip(), strong=False) for n in _WEAK_AKA.findall(remarks)]
    return births, countries, addresses, weak


def load_legacy_csv(sdn_csv: Path) -> SanctionsList:
    """Read ``sdn.csv`` plus ``add.csv``, ``alt.csv`` and ``sdn_comments.csv`` if beside it."""
    folder = sdn_csv.parent
    overflow: dict[str, str] = defaultdict(str)
    if (folder / "sdn_comments.csv").exists():
        for row in _rows(folder / "sdn_comments.csv"):
            overflow[row[0].strip()] += row[1] if len(row) > 1 else ""
    strong: dict[str, list[Alias]] = defaultdict(list)
    if (folder / "alt.csv").exists():
        for row in _rows(folder / "alt.csv"):
            kind = _cell(row[2]) or "aka"
            strong[row[0].strip()].append(Alias(name=_cell(row[3]), strong=True, kind=kind))
    places: dict[str, list[str]] = defaultdict(list)
    if (folder / "add.csv").exists():
        for row in _rows(folder / "add.csv"):
            if len(row) > 4 and _cell(row[4]):
                places[row[0].strip()].append(_cell(row[4]))
    entries = []
    for row in _rows(sdn_csv):
        if len(row) < _SDN_COLUMNS or not row[0].strip().isdigit():
            raise SanctionsListInvalid(f"{sdn_csv.name}: not an OFAC sdn.csv row: {row[:2]}")
        uid = row[0].strip()
        remarks = _cell(row[11]) + overflow.get(uid, "")
        births, countries, addresses, weak = _from_remarks(remarks)
        # add.csv countries are addresses, not nationality, but they are the country evidence
        # the legacy set has; the matcher treats countries only as a secondary factor.
        countries = list(dict.fromkeys(countries + places.get(uid, [])))
        entries.append(
            ListEntry(
                uid=uid,
                list_name="SDN List",
                entry_type=_TYPES.get(_cell(row[2]).lower(), EntryType.OTHER),
                primary_name=_cell(row[1]),
                aliases=tuple(strong.get(uid, []) + weak),
                dates_of_birth=tuple(births),
                countries=tuple(countries),
                addresses=tuple(addresses),
                programs=tuple(p for p in _cell(row[3]).split("] [") if p),
            )
        )
    return SanctionsList(source="OFAC SDN", format=FORMAT, issued=None, entries=tuple(entries))
