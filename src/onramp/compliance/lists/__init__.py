"""Sanctions list adapters: one per source format, all producing the common ``ListEntry`` model.

An EU or UN list plugs in as one more ``ListAdapter`` (a function from a path to a
``SanctionsList``) registered in ``ADAPTERS``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from onramp.compliance.errors import SanctionsFormatUnknown
from onramp.compliance.lists import ofac_advanced, ofac_legacy, un_consolidated
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
}


def detect_format(path: Path) -> str:
    if path.is_dir() or path.suffix.lower() == ".csv":
        return ofac_legacy.FORMAT
    if path.suffix.lower() == ".xml":
        return _xml_format(path)
    raise SanctionsFormatUnknown(f"cannot tell the format of {path.name}; pass --format")


def _xml_format(path: Path) -> str:
    """OFAC's advanced XML unless the root element is the UN's ``CONSOLIDATED_LIST``."""
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return ofac_advanced.FORMAT  # the adapter reports the unreadable file
    return un_consolidated.FORMAT if b"<CONSOLIDATED_LIST" in head else ofac_advanced.FORMAT


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
