"""The UN Consolidated List adapter, on an excerpt of the real file (tests/data/un)."""

from __future__ import annotations

from pathlib import Path

import pytest

from onramp.compliance import MatchSettings, NameMatcher, SanctionsListInvalid, load_list
from onramp.compliance.lists import EntryType, detect_format

UN = Path(__file__).resolve().parents[2] / "data" / "un" / "consolidated_excerpt.xml"


def test_the_un_list_reads_into_the_common_model() -> None:
    assert detect_format(UN) == "un-consolidated-xml"
    un = load_list(UN)
    assert (un.source, un.issued) == ("UN Consolidated", "2026-02-27")
    entries = {e.uid: e for e in un.entries}
    assert sorted(entries) == ["CDi.001", "CDi.002", "CDi.003", "YEe.001"]
    badege = entries["CDi.001"]
    assert (badege.primary_name, badege.entry_type) == ("ERIC BADEGE", EntryType.INDIVIDUAL)
    assert badege.aliases == ()  # the empty alias element is no alias
    assert badege.dates_of_birth == ("1971",)
    assert badege.countries == ("Democratic Republic of the Congo", "Rwanda")
    assert badege.programs == ("DRC",)
    gaston = entries["CDi.003"]
    strength = {a.name: a.strong for a in gaston.aliases}
    assert strength == {
        "Rumuli": False,  # QUALITY Low
        "Byiringiro Victor Rumuli": True,
        "Victor Rumuri": True,
        "Michel Byiringiro": True,
    }
    houthis = entries["YEe.001"]
    assert houthis.entry_type == EntryType.ENTITY
    assert "ANSARALLAH" in {a.name for a in houthis.aliases}
    assert houthis.countries == ("Yemen",)


def test_names_screen_against_the_un_list() -> None:
    matcher = NameMatcher(load_list(UN), MatchSettings())
    hit = matcher.screen("Gaston Iyamuremye", "1948")
    assert hit is not None
    assert hit.entry_uid == "CDi.003"
    alias = matcher.screen("Victor Rumuri")
    assert alias is not None
    assert alias.entry_uid == "CDi.003"
    assert matcher.screen("Ada Lovelace") is None


def test_a_broken_un_file_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "un.xml"
    broken.write_text("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>")
    with pytest.raises(SanctionsListInvalid):
        load_list(broken)
