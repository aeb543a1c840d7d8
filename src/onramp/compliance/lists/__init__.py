"""Sanctions list adapters: one per source format, all producing the common ``ListEntry`` model.

A new list plugs in as one more ``ListAdapter`` (a function from a path to a
``SanctionsList``) registered in ``ADAPTERS`` (OFAC advanced XML and legacy CSV, the UN
Consolidated List, the EU Financial Sanctions Files).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from onramp.compliance.errors import SanctionsFormatUnknown
from onramp.compliance.lists import eu_fsf, ofac_advanced, ofac_legacy, un_consolidated
from onramp.compliance.lists.model import (
    Alias,
    CurrencyAddress,
    EntryType,
    ListEntry,
    SanctionsList,
)


class ListAdapter(Protocol):
    def __call__(self, path: Path, /) -> SanctionsList: ...


def _legacy(path: Path) -> SanctionsList:
    # A folder holding the legacy set, or its sdn.csv (siblings are picked up beside it).
    return ofac_legacy.load_legacy_csv(path / "sdn.csv" if path.is_dir() else path)


ADAPTERS: dict[str, ListAdapter] = {
    ofac_advanced.FORMAT: ofac_advanced.load_advanced_xml,
    ofac_legacy.FORMAT: _legacy,
    un_consolidated.FORMAT: un_consolidated.load_un_xml,
    eu_fsf.FORMAT: eu_fsf.load_eu_xml,
}


def detect_format(path: Path) -> str:
    if path.is_dir() or path.suffix.lower() == ".csv":
        return ofac_legacy.FORMAT
    if path.suffix.lower() == ".xml" or _looks_like_xml(path):
        return _xml_format(path)
    raise SanctionsFormatUnknown(f"cannot tell the format of {path.name}; pass --format")


def _looks_like_xml(path: Path) -> bool:
    """A file whose name says nothing (the EU publishes its XML at ``.../content``) but whose
    first bytes are markup."""
    try:
        with path.open("rb") as f:
            head = f.read(64)
    except OSError:
        return False
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


# The first start tag (the declaration ``<?xml`` and comments ``<!--`` do not match).
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")


def _xml_format(path: Path) -> str:
    """OFAC's advanced XML unless the root element is the UN's ``CONSOLIDATED_LIST`` or the
    EU's ``export``."""
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return ofac_advanced.FORMAT  # the adapter reports the unreadable file
    if b"<CONSOLIDATED_LIST" in head:
        return un_consolidated.FORMAT
    root = _FIRST_TAG.search(head)
    if root is not None and root.group(1).split(b":")[-1].decode() == eu_fsf.ROOT:
        return eu_fsf.FORMAT
    return ofac_advanced.FORMAT


def load_list(path: Path, list_format: str | None = None) -> SanctionsList:
    chosen = list_format or detect_format(path)
    adapter = ADAPTERS.get(chosen)
    if adapter is None:
        raise SanctionsFormatUnknown(f"unknown format {chosen!r}; known: {sorted(ADAPTERS)}")
    return adapter(path)


__all__ = [
    "ADAPTERS",
    "Alias",
    "CurrencyAddress",
    "EntryType",
    "ListAdapter",
    "ListEntry",
    "SanctionsList",
    "detect_format",
    "load_list",
]
