"""OFAC SDN "advanced" XML (sdn_advanced.xml) -> ``ListEntry``.

The format is relational: a DistinctParty's names are DocumentedNameParts that point at
NamePartGroups (which say "Last Name", "First Name", ...), its features (birth date, nationality,
digital currency addresses) point at FeatureTypes and Locations, and its programs live in a
SanctionsEntry at the end of the file. We stream it with ``iterparse`` and clear each record once
read, because the full file is 120 MB; only the reference values, the countries of Locations and
the parsed entries stay in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]
from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
    ParseError,
    iterparse,
)

from onramp.compliance.errors import SanctionsListInvalid
from onramp.compliance.lists.model import (
    Alias,
    CurrencyAddress,
    EntryType,
    ListEntry,
    SanctionsList,
)

FORMAT = "ofac-advanced-xml"
_LATIN_SCRIPT = "Latin"
_DIGITAL_CURRENCY = "Digital Currency Address - "
_COUNTRY_FEATURES = {"Nationality Country", "Citizenship Country", "Nationality of Registration"}
_MONTHS = 12


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: Element, name: str) -> Iterator[Element]:
    return (c for c in el if _local(c.tag) == name)


def _descendants(el: Element, name: str) -> Iterator[Element]:
    return (c for c in el.iter() if _local(c.tag) == name)


def _first(el: Element, name: str) -> Element | None:
    return next(_descendants(el, name), None)


@dataclass
class _References:
    """The ReferenceValueSets: id -> label for each value set we use."""

    values: dict[str, dict[str, str]] = field(default_factory=dict)
    party_sub_type: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (sub, type id)
    location_country: dict[str, str] = field(default_factory=dict)

    def label(self, value_set: str, ref_id: str | None) -> str:
        return self.values.get(value_set, {}).get(ref_id or "", "")

    def read(self, sets: Element) -> None:
        for value_set in sets:
            name = _local(value_set.tag).removesuffix("Values")
            table = self.values.setdefault(name, {})
            for value in value_set:
                table[value.get("ID", "")] = (value.text or "").strip()
                if name == "PartySubType":
                    self.party_sub_type[value.get("ID", "")] = (
                        (value.text or "").strip(),
                        value.get("PartyTypeID", ""),
                    )

    def read_location(self, location: Element) -> None:
        country = _first(location, "LocationCountry")
        if country is not None:
            name = self.label("Country", country.get("CountryID"))
        else:
            # Nationality locations often carry the country only as a free-text part.
            value = _first(location, "Value")
            name = (value.text or "").strip() if value is not None else ""
        if name:
            self.location_country[location.get("ID", "")] = name


def _entry_type(refs: _References, sub_type_id: str | None) -> EntryType:
    sub, type_id = refs.party_sub_type.get(sub_type_id or "", ("", ""))
    party_type = refs.label("PartyType", type_id)
    if party_type == "Individual":
        return EntryType.INDIVIDUAL
    if party_type == "Entity":
        return EntryType.ENTITY
    if sub == "Vessel":
        return EntryType.VESSEL
    if sub == "Aircraft":
        return EntryType.AIRCRAFT
    return EntryType.OTHER


def _documented_name(refs: _References, name: Element, groups: dict[str, str]) -> str | None:
    """Compose a DocumentedName; OFAC's own spelling for people is "LAST, First Middle"."""
    last: list[str] = []
    rest: list[str] = []
    for value in _descendants(name, "NamePartValue"):
        if refs.label("Script", value.get("ScriptID")) != _LATIN_SCRIPT:
            return None  # screening compares Latin spellings; other scripts are kept by OFAC only
        part_type = refs.label("NamePartType", groups.get(value.get("NamePartGroupID", "")))
        (last if part_type == "Last Name" else rest).append((value.text or "").strip())
    if last and rest:
        return f"{' '.join(last)}, {' '.join(rest)}"
    return " ".join(last + rest) or None


def _names(refs: _References, profile: Element) -> tuple[str, list[Alias]]:
    primary = ""
    aliases: list[Alias] = []
    for identity in _children(profile, "Identity"):
        groups = {
            g.get("ID", ""): g.get("NamePartTypeID", "")
            for g in _descendants(identity, "NamePartGroup")
        }
        for alias in _children(identity, "Alias"):
            kind = refs.label("AliasType", alias.get("AliasTypeID"))
            for documented in _children(alias, "DocumentedName"):
                name = _documented_name(refs, documented, groups)
                if name is None:
                    continue
                if alias.get("Primary") == "true" and not primary:
                    primary = name
                else:
                    strong = alias.get("LowQuality") != "true"
                    aliases.append(Alias(name=name, strong=strong, kind=kind or "a.k.a."))
    return primary, aliases


def _ymd(el: Element | None) -> tuple[str, str, str]:
    parts = {_local(c.tag): (c.text or "").strip() for c in el} if el is not None else {}
    return parts.get("Year", ""), parts.get("Month", ""), parts.get("Day", "")


def _date(period: Element) -> str | None:
    """The start of a birth DatePeriod: a full date, or only the year when it is a range."""
    start = _first(period, "Start")
    if start is None:
        return None
    year, month, day = _ymd(_first(start, "From"))
    to_year, to_month, to_day = _ymd(_first(start, "To"))
    if not year:
        return None
    if (to_year, to_month, to_day) != (year, month, day):
        # "circa 1970", "1970 to 1972" or a whole year: only the year(s) are asserted.
        return year if to_year in ("", year) else f"{year}/{to_year}"
    if month and day and 1 <= int(month) <= _MONTHS:
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return year


def _features(
    refs: _References, profile: Element
) -> tuple[list[str], list[str], list[CurrencyAddress]]:
    births: list[str] = []
    countries: list[str] = []
    addresses: list[CurrencyAddress] = []
    for feature in _children(profile, "Feature"):
        kind = refs.label("FeatureType", feature.get("FeatureTypeID"))
        for version in _children(feature, "FeatureVersion"):
            if kind.startswith(_DIGITAL_CURRENCY):
                detail = _first(version, "VersionDetail")
                if detail is not None and detail.text:
                    currency = kind.removeprefix(_DIGITAL_CURRENCY).strip()
                    addresses.append(CurrencyAddress(currency, detail.text.strip()))
            elif kind == "Birthdate":
                period = _first(version, "DatePeriod")
                born = _date(period) if period is not None else None
                if born:
                    births.append(born)
            elif kind in _COUNTRY_FEATURES:
                for loc in _children(version, "VersionLocation"):
                    country = refs.location_country.get(loc.get("LocationID", ""))
                    if country and country not in countries:
                        countries.append(country)
    return births, countries, addresses


def _party(refs: _References, party: Element) -> ListEntry | None:
    profile = next(_children(party, "Profile"), None)
    if profile is None:
        return None
    primary, aliases = _names(refs, profile)
    births, countries, addresses = _features(refs, profile)
    return ListEntry(
        uid=profile.get("ID", party.get("FixedRef", "")),
        list_name="SDN List",
        entry_type=_entry_type(refs, profile.get("PartySubTypeID")),
        primary_name=primary,
        aliases=tuple(aliases),
        dates_of_birth=tuple(births),
        countries=tuple(countries),
        addresses=tuple(addresses),
    )


def _programs(refs: _References, entry: Element) -> tuple[str, list[str]]:
    programs = [
        (m.findtext("./{*}Comment") or "").strip()
        for m in _children(entry, "SanctionsMeasure")
        if refs.label("SanctionsType", m.get("SanctionsTypeID")) == "Program"
    ]
    return refs.label("List", entry.get("ListID")), [p for p in programs if p]


def _issue_date(el: Element) -> str | None:
    parts = {_local(c.tag): (c.text or "").strip() for c in el}
    try:
        return f"{int(parts['Year']):04d}-{int(parts['Month']):02d}-{int(parts['Day']):02d}"
    except (KeyError, ValueError):
        return None


def load_advanced_xml(path: Path) -> SanctionsList:
    refs = _References()
    entries: dict[str, ListEntry] = {}
    issued: str | None = None
    listing: dict[str, tuple[str, list[str]]] = {}
    saw_root = False
    try:
        events: Any = iterparse(str(path), events=("end",), forbid_dtd=True)
        for _, el in events:
            tag = _local(el.tag)
            if tag == "Sanctions":
                saw_root = True
            elif tag == "DateOfIssue":
                issued = _issue_date(el)
            elif tag == "ReferenceValueSets":
                refs.read(el)
                el.clear()
            elif tag == "Location":
                refs.read_location(el)
                el.clear()
            elif tag == "DistinctParty":
                entry = _party(refs, el)
                if entry is not None:
                    entries[entry.uid] = entry
                el.clear()
            elif tag == "SanctionsEntry":
                listing[el.get("ProfileID", "")] = _programs(refs, el)
                el.clear()
    except (ParseError, DefusedXmlException, OSError, ValueError) as exc:
        raise SanctionsListInvalid(f"{path.name}: {exc}") from exc
    if not saw_root:
        raise SanctionsListInvalid(f"{path.name}: not an OFAC advanced XML file")
    for uid, (list_name, programs) in listing.items():
        if uid in entries:
            entries[uid] = replace(
                entries[uid], list_name=list_name or "SDN List", programs=tuple(programs)
            )
    return SanctionsList(
        source="OFAC SDN", format=FORMAT, issued=issued, entries=tuple(entries.values())
    )
