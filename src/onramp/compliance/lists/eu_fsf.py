"""The EU consolidated financial sanctions list, Financial Sanctions Files (FSF) XML 1.1: an
``export`` root (namespace ``http://eu.europa.ec/fpi/fsd/export``) of ``sanctionEntity``
records, nearly all of whose data sits in attributes.

- uid: ``EU-`` and the entity's ``logicalId`` (``EU-13``), stable across issues. The prefix
  keeps it apart from OFAC's numeric profile ids when screens combine every source's entries
  (a hit names its entry by uid). ``euReferenceNumber`` is used only when a record has no
  logicalId.
- type: ``subjectType code`` "person" is an individual, "enterprise" an entity.
- names: every ``nameAlias``; its ``wholeName``, or firstName middleName lastName when
  wholeName is empty. The EU lists a name once per official language (Cyrillic and Greek
  spellings normalise to nothing in the matcher and are never screened). The primary name is
  the first strong alias with no ``nameLanguage`` (the list's own spelling), otherwise the
  first alias. ``strong="false"`` marks a weak alias, screened only with more than one word
  like OFAC's and the UN's.
- dates of birth: ``birthdate`` (ISO), else ``year``, else a ``yearRangeFrom``..``yearRangeTo``
  span (each year kept, like the UN adapter).
- countries: ``citizenship`` and ``address`` ``countryDescription`` as the list spells them
  ("RUSSIAN FEDERATION"); the placeholder "UNKNOWN" (code ``00``) is left out.
- programmes: each ``regulation``'s ``programme`` ("UKR", "TERR"), or its ``numberTitle``
  when a regulation names no programme.

The format has no field for digital currency addresses, so EU entries carry none.
The full file is large (25 MB, 6,000+ records): it is streamed with ``iterparse`` and each
record is cleared once read.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]
from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
    ParseError,
    iterparse,
)

from onramp.compliance.errors import SanctionsListInvalid
from onramp.compliance.lists.model import Alias, EntryType, ListEntry, SanctionsList

FORMAT = "eu-fsf-xml"
SOURCE = "EU FSF"
ROOT = "export"
_UID_PREFIX = "EU-"
_TYPES = {"person": EntryType.INDIVIDUAL, "enterprise": EntryType.ENTITY}
_CLASSIFICATION = {"P": EntryType.INDIVIDUAL, "E": EntryType.ENTITY}
_UNKNOWN_COUNTRY = {"00", "UNKNOWN"}
_MAX_YEAR_SPAN = 10


def _local(tag: str) -> str:
    """``{namespace}name`` -> ``name``: the file is namespaced, older issues were not."""
    return tag.rsplit("}", 1)[-1]


def _attr(el: Element, name: str) -> str:
    return " ".join((el.get(name) or "").split())


def _children(el: Element, name: str) -> list[Element]:
    return [child for child in el if _local(child.tag) == name]


def _entry_type(el: Element) -> EntryType:
    for subject in _children(el, "subjectType"):
        code = _attr(subject, "code").lower()
        if code in _TYPES:
            return _TYPES[code]
        return _CLASSIFICATION.get(_attr(subject, "classificationCode").upper(), EntryType.OTHER)
    return EntryType.OTHER


def _alias_name(alias: Element) -> str:
    if whole := _attr(alias, "wholeName"):
        return whole
    parts = (_attr(alias, part) for part in ("firstName", "middleName", "lastName"))
    return " ".join(p for p in parts if p)


def _names(el: Element) -> tuple[str, tuple[Alias, ...]]:
    """The primary name and the other names as aliases (strong/weak as the list marks them)."""
    found: list[tuple[str, bool, str]] = []  # name, strong, language
    seen: set[str] = set()
    for alias in _children(el, "nameAlias"):
        name = _alias_name(alias)
        if not name or name in seen:
            continue
        seen.add(name)
        strong = _attr(alias, "strong").lower() != "false"
        found.append((name, strong, _attr(alias, "nameLanguage")))
    if not found:
        return "", ()
    primary = next((n for n, strong, lang in found if strong and not lang), found[0][0])
    aliases = tuple(Alias(n, strong=strong) for n, strong, _ in found if n != primary)
    return primary, aliases


def _dates_of_birth(el: Element) -> tuple[str, ...]:
    dates: list[str] = []
    for birth in _children(el, "birthdate"):
        if exact := _attr(birth, "birthdate"):
            dates.append(exact[:10])
        elif (year := _attr(birth, "year")).isdigit():
            dates.append(year)
        else:
            start, end = _attr(birth, "yearRangeFrom"), _attr(birth, "yearRangeTo")
            if start.isdigit() and end.isdigit() and 0 <= int(end) - int(start) <= _MAX_YEAR_SPAN:
                dates.extend(str(y) for y in range(int(start), int(end) + 1))
    return tuple(dict.fromkeys(dates))


def _countries(el: Element) -> tuple[str, ...]:
    found: list[str] = []
    for child in [*_children(el, "citizenship"), *_children(el, "address")]:
        name = _attr(child, "countryDescription")
        if name and name.upper() not in _UNKNOWN_COUNTRY:
            found.append(name)
    return tuple(dict.fromkeys(found))


def _programs(el: Element) -> tuple[str, ...]:
    found: list[str] = []
    for regulation in _children(el, "regulation"):
        if programme := _attr(regulation, "programme") or _attr(regulation, "numberTitle"):
            found.append(programme)
    return tuple(dict.fromkeys(found))


def _entry(el: Element) -> ListEntry | None:
    logical_id = _attr(el, "logicalId")
    uid = f"{_UID_PREFIX}{logical_id}" if logical_id else _attr(el, "euReferenceNumber")
    primary, aliases = _names(el)
    if not uid or not primary:
        return None
    entry_type = _entry_type(el)
    return ListEntry(
        uid=uid[:40],
        list_name=SOURCE,
        entry_type=entry_type,
        primary_name=primary,
        aliases=aliases,
        dates_of_birth=_dates_of_birth(el) if entry_type is EntryType.INDIVIDUAL else (),
        countries=_countries(el),
        programs=_programs(el),
    )


def load_eu_xml(path: Path) -> SanctionsList:
    entries: dict[str, ListEntry] = {}
    issued: str | None = None
    root: Element | None = None
    try:
        for event, el in iterparse(str(path), events=("start", "end")):
            name = _local(el.tag)
            if event == "start":
                if root is None:
                    if name != ROOT:
                        raise SanctionsListInvalid(f"{path.name}: not an EU FSF export file")
                    root = el
                    issued = (el.get("generationDate") or "")[:10] or None
                continue
            if name == "sanctionEntity":
                entry = _entry(el)
                if entry is not None:
                    entries[entry.uid] = entry
                # Drop the read record from the tree, or the whole file stays in memory.
                el.clear()
                if root is not None and len(root) and root[-1] is el:
                    root.remove(el)
    except (ParseError, DefusedXmlException, OSError) as exc:
        raise SanctionsListInvalid(f"{path.name}: {exc}") from exc
    if root is None or not entries:
        # An empty issue would read as "everyone delisted": refuse it rather than load it.
        raise SanctionsListInvalid(f"{path.name}: no sanctionEntity records")
    return SanctionsList(
        source=SOURCE, format=FORMAT, issued=issued, entries=tuple(entries.values())
    )
