"""The EU Financial Sanctions Files adapter, on excerpts of two real issues (tests/data/eu)."""

from __future__ import annotations

from pathlib import Path

import pytest

from onramp.compliance import MatchSettings, NameMatcher, SanctionsListInvalid, load_list
from onramp.compliance.diff import diff_lists
from onramp.compliance.errors import SanctionsFormatUnknown
from onramp.compliance.lists import ADAPTERS, EntryType, detect_format

DATA = Path(__file__).resolve().parents[2] / "data"
EU_2018 = DATA / "eu" / "fsf_2018-12-21_excerpt.xml"
EU_2024 = DATA / "eu" / "fsf_2024-12-11_excerpt.xml"
MUGABE_END = "    </sanctionEntity>\n\n    <sanctionEntity"


def _variant(tmp_path: Path, source: Path, *replacements: tuple[str, str]) -> Path:
    """A copy of a real excerpt with some text replaced (each replacement must apply)."""
    text = source.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / f"variant_{source.name}"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_format_is_detected_from_the_root_element() -> None:
    assert "eu-fsf-xml" in ADAPTERS
    assert detect_format(EU_2018) == "eu-fsf-xml"
    assert detect_format(EU_2024) == "eu-fsf-xml"
    # The other XML formats keep their adapters.
    assert detect_format(DATA / "un" / "consolidated_excerpt.xml") == "un-consolidated-xml"
    tornado = DATA / "ofac" / "sdn_advanced_tornado_cash_2025-03-04.xml"
    assert detect_format(tornado) == "ofac-advanced-xml"


def test_the_published_url_names_no_format_but_the_content_does(tmp_path: Path) -> None:
    # The Commission publishes the file at .../xmlFullSanctionsList_1_1/content?token=...
    content = tmp_path / "content"
    content.write_bytes(EU_2018.read_bytes())
    assert detect_format(content) == "eu-fsf-xml"
    assert len(load_list(content).entries) == 2
    text = tmp_path / "notes"
    text.write_text("name,date_of_birth\n")
    with pytest.raises(SanctionsFormatUnknown):
        detect_format(text)


def test_the_eu_list_reads_into_the_common_model() -> None:
    eu = load_list(EU_2018)
    assert (eu.source, eu.format, eu.issued) == ("EU FSF", "eu-fsf-xml", "2018-12-21")
    entries = {e.uid: e for e in eu.entries}
    assert sorted(entries) == ["EU-1", "EU-207"]

    mugabe = entries["EU-1"]
    assert mugabe.entry_type == EntryType.INDIVIDUAL
    assert mugabe.primary_name == "Robert Gabriel Mugabe"
    assert mugabe.aliases == ()
    assert mugabe.dates_of_birth == ("1924-02-21",)
    assert mugabe.countries == ()  # his birth country is the "UNKNOWN" placeholder
    assert mugabe.programs == ("ZWE",)
    assert mugabe.addresses == ()

    front = entries["EU-207"]
    assert front.entry_type == EntryType.ENTITY
    # The record's first name, in the list's own spelling, is the primary name.
    assert front.primary_name == "İslami Büyük Doğu Akıncılar Cephesi"
    names = [a.name for a in front.aliases]
    assert len(names) == 18  # 19 nameAlias elements, one of them the primary
    assert {"Great Islamic Eastern Warriors Front", "IBDA-C"} <= set(names)
    assert all(a.strong for a in front.aliases)
    assert front.dates_of_birth == ()
    assert front.programs == ("TERR",)


def test_a_person_with_aliases_citizenship_and_date_of_birth() -> None:
    [saddam] = load_list(EU_2024).entries
    assert saddam.uid == "EU-13"
    assert saddam.primary_name == "Saddam Hussein Al-Tikriti"
    assert [(a.name, a.strong) for a in saddam.aliases] == [("Abu Ali", True), ("Abou Ali", True)]
    assert saddam.dates_of_birth == ("1937-04-28",)
    assert saddam.countries == ("IRAQ",)
    assert saddam.programs == ("IRQ",)


def test_name_parts_weak_aliases_and_year_ranges(tmp_path: Path) -> None:
    variant = _variant(
        tmp_path,
        EU_2024,
        # An empty wholeName: the name is built from firstName middleName lastName.
        ('wholeName="Saddam Hussein Al-Tikriti"', 'wholeName=""'),
        (
            'wholeName="Abou Ali" function="" title="" nameLanguage="FR" strong="true"',
            'wholeName="Abou Ali" function="" title="" nameLanguage="FR" strong="false"',
        ),
        (
            'birthdate="1937-04-28" dayOfMonth="28" monthOfYear="4" year="1937"',
            'yearRangeFrom="1936" yearRangeTo="1938"',
        ),
    )
    [entry] = load_list(variant).entries
    assert entry.primary_name == "Saddam Hussein Al-Tikriti"
    assert {a.name: a.strong for a in entry.aliases} == {"Abu Ali": True, "Abou Ali": False}
    assert entry.dates_of_birth == ("1936", "1937", "1938")


def test_names_screen_against_the_eu_list() -> None:
    matcher = NameMatcher(load_list(EU_2018), MatchSettings())
    hit = matcher.screen("Robert Mugabe", "1924-02-21")
    assert hit is not None
    assert (hit.entry_uid, hit.entry_name) == ("EU-1", "Robert Gabriel Mugabe")
    front = matcher.screen("Great Islamic Eastern Warriors Front")
    assert front is not None
    assert front.entry_uid == "EU-207"
    assert matcher.screen("Ada Lovelace") is None

    saddam = NameMatcher(load_list(EU_2024)).screen("Saddam Hussein", "1937-04-28")
    assert saddam is not None
    assert saddam.entry_uid == "EU-13"


def test_a_removed_entry_shows_in_the_diff(tmp_path: Path) -> None:
    text = EU_2018.read_text(encoding="utf-8")
    start = text.index("    <sanctionEntity")
    end = text.index(MUGABE_END) + len("    </sanctionEntity>\n\n")
    later = tmp_path / "later.xml"
    later.write_text(text[:start] + text[end:], encoding="utf-8")

    diff = diff_lists(load_list(EU_2018), load_list(later))
    assert diff.removed == ("EU-1",)
    assert diff.added == ()
    assert diff.changed == ()


def test_broken_or_empty_files_are_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text('<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity>')
    with pytest.raises(SanctionsListInvalid):
        load_list(broken)
    # A well-formed issue with no records would delist everyone: it is refused, not loaded.
    empty = tmp_path / "empty.xml"
    empty.write_text('<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="x"/>')
    with pytest.raises(SanctionsListInvalid):
        load_list(empty)
    # Another list forced through this adapter is refused by its root element.
    with pytest.raises(SanctionsListInvalid):
        load_list(DATA / "un" / "consolidated_excerpt.xml", "eu-fsf-xml")
