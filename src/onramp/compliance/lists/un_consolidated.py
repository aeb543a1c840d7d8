"""The UN Security Council Consolidated List, XML (``CONSOLIDATED_LIST`` of the
``sc-sanctions.xsd`` schema): ``INDIVIDUALS/INDIVIDUAL`` and ``ENTITIES/ENTITY``.

A person's name is in FIRST_NAME .. FOURTH_NAME (given names first; entities use FIRST_NAME
alone). Aliases carry a QUALITY: "Good" (and "a.k.a." for entities) are screened, "Low" is
kept as weak (like OFAC's weak a.k.a.s: screened only with more than one word). Dates of birth
are an exact DATE, a YEAR, or a FROM_YEAR..TO_YEAR range (each year kept). Countries are the
NATIONALITY values and the addresses' COUNTRY. The REFERENCE_NUMBER (e.g. ``CDi.001``) is the
entry's uid: stable across issues and unique across UN regimes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]
from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
    ParseError,
    iterparse,
)

from onramp.compliance.errors import SanctionsListInvalid
from onramp.compliance.lists.model import Alias, EntryType, ListEntry, SanctionsList

FORMAT = "un-consolidated-xml"
SOURCE = "UN Consolidated"
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_WEAK = {"low"}


def _text(el: Element, name: str) -> str:
    child = el.find(name)
    return " ".join((child.text or "").split()) if child is not None else ""


def _values(el: Element, name: str) -> Iterator[str]:
    for group in el.findall(name):
        for value in group.findall("VALUE"):
            text = " ".join((value.text or "").split())
            if text:
                yield text


def _dates_of_birth(el: Element) -> tuple[str, ...]:
    dates: list[str] = []
    for dob in el.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        if exact := _text(dob, "DATE"):
            dates.append(exact[:10])
        elif year := _text(dob, "YEAR"):
            dates.append(year)
        elif (start := _text(dob, "FROM_YEAR")) and (end := _text(dob, "TO_YEAR")):
            if start.isdigit() and end.isdigit() and 0 <= int(end) - int(start) <= 10:
                dates.extend(str(y) for y in range(int(start), int(end) + 1))
    return tuple(dict.fromkeys(dates))


def _aliases(el: Element, tag: str) -> tuple[Alias, ...]:
    aliases: list[Alias] = []
    for alias in el.findall(tag):
        name = _text(alias, "ALIAS_NAME")
        if not name:
            continue  # the list writes an empty alias element when there is none
        quality = _text(alias, "QUALITY").lower()
        aliases.append(Alias(name, strong=quality not in _WEAK, kind="a.k.a."))
    return tuple(aliases)


def _countries(el: Element, address_tag: str) -> tuple[str, ...]:
    found = list(_values(el, "NATIONALITY"))
    for address in el.findall(address_tag):
        if country := _text(address, "COUNTRY"):
            found.append(country)
    return tuple(dict.fromkeys(found))


def _entry(el: Element, individual: bool) -> ListEntry | None:
    uid = _text(el, "REFERENCE_NUMBER") or _text(el, "DATAID")
    name = " ".join(p for p in (_text(el, part) for part in _NAME_PARTS) if p)
    if not uid or not name:
        return None
    regime = _text(el, "UN_LIST_TYPE")
    return ListEntry(
        uid=uid[:40],
        list_name=SOURCE,
        entry_type=EntryType.INDIVIDUAL if individual else EntryType.ENTITY,
        primary_name=name,
        aliases=_aliases(el, "INDIVIDUAL_ALIAS" if individual else "ENTITY_ALIAS"),
        dates_of_birth=_dates_of_birth(el) if individual else (),
        countries=_countries(el, "INDIVIDUAL_ADDRESS" if individual else "ENTITY_ADDRESS"),
        programs=(regime,) if regime else (),
    )


def load_un_xml(path: Path) -> SanctionsList:
    entries: dict[str, ListEntry] = {}
    issued: str | None = None
    try:
        for event, el in iterparse(str(path), events=("start", "end")):
            if event == "start":
                if el.tag == "CONSOLIDATED_LIST":
                    issued = (el.get("dateGenerated") or "")[:10] or None
                continue
            if el.tag in ("INDIVIDUAL", "ENTITY"):
                entry = _entry(el, el.tag == "INDIVIDUAL")
                if entry is not None:
                    entries[entry.uid] = entry
                el.clear()
    except (ParseError, DefusedXmlException, OSError) as exc:
        raise SanctionsListInvalid(f"{path.name}: {exc}") from exc
    if issued is None and not entries:
        raise SanctionsListInvalid(f"{path.name}: not a UN CONSOLIDATED_LIST file")
    return SanctionsList(
        source=SOURCE, format=FORMAT, issued=issued, entries=tuple(entries.values())
    )
