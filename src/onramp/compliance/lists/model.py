"""The common model every list adapter produces, whatever the source format."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EntryType(StrEnum):
    INDIVIDUAL = "individual"
    ENTITY = "entity"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    OTHER = "other"


@dataclass(frozen=True)
class Alias:
    name: str
    # OFAC marks some a.k.a.s "weak" (LowQuality / "low quality"): too generic to screen alone.
    strong: bool = True
    kind: str = "a.k.a."


@dataclass(frozen=True)
class CurrencyAddress:
    currency: str  # OFAC's code: ETH, XBT, USDC, ...
    address: str  # as published (mixed-case checksum spelling kept)


@dataclass(frozen=True)
class ListEntry:
    uid: str  # OFAC profile id == legacy ent_num
    list_name: str
    entry_type: EntryType
    primary_name: str
    aliases: tuple[Alias, ...] = ()
    dates_of_birth: tuple[str, ...] = ()  # ISO "1987-11-08", or "1987" when only a year is known
    countries: tuple[str, ...] = ()  # country names as the list spells them
    addresses: tuple[CurrencyAddress, ...] = ()
    programs: tuple[str, ...] = ()


@dataclass(frozen=True)
class SanctionsList:
    """One issue of one list: what a loader returns."""

    source: str  # e.g. "OFAC SDN"
    format: str  # adapter name
    issued: str | None  # date of issue when the file states one
    entries: tuple[ListEntry, ...] = field(default_factory=tuple)

    def addresses(self) -> set[tuple[str, str]]:
        return {(a.currency, a.address.lower()) for e in self.entries for a in e.addresses}


def entry_to_json(entry: ListEntry) -> dict[str, Any]:
    """The stored form of an entry (a JSONB column); ``entry_from_json`` reads it back."""
    return {
        "aliases": [[a.name, a.strong, a.kind] for a in entry.aliases],
        "dates_of_birth": list(entry.dates_of_birth),
        "countries": list(entry.countries),
        "addresses": [[a.currency, a.address] for a in entry.addresses],
        "programs": list(entry.programs),
    }


def entry_from_json(
    uid: str, list_name: str, entry_type: str, primary_name: str, data: dict[str, Any]
) -> ListEntry:
    return ListEntry(
        uid=uid,
        list_name=list_name,
        entry_type=EntryType(entry_type),
        primary_name=primary_name,
        aliases=tuple(Alias(name, bool(strong), kind) for name, strong, kind in data["aliases"]),
        dates_of_birth=tuple(data["dates_of_birth"]),
        countries=tuple(data["countries"]),
        addresses=tuple(CurrencyAddress(c, a) for c, a in data["addresses"]),
        programs=tuple(data["programs"]),
    )
