"""``onramp screen load`` prints counts for a person and the full diff only with ``--json``."""

from __future__ import annotations

from pathlib import Path

from onramp.compliance.diff import diff_lists
from onramp.compliance.lists import load_list
from onramp.compliance.service import LoadedVersion
from onramp.runtime.cli.screen import load_summary, loaded_as_json

DATA = Path(__file__).resolve().parents[2] / "data" / "ofac"


def _loaded(*, is_new: bool) -> LoadedVersion:
    march = load_list(DATA / "sdn_advanced_tornado_cash_2025-03-04.xml")
    november = load_list(DATA / "sdn_advanced_subset.xml")
    return LoadedVersion(
        version_id="0193a5b0-0000-7000-8000-000000000001",
        source=november.source,
        format=november.format,
        sha256="ab" * 32,
        issued="2025-11-19",
        entry_count=len(november.entries),
        is_new=is_new,
        diff=diff_lists(march, november) if is_new else diff_lists(november, november),
    )


def test_a_new_version_is_summarised_in_counts() -> None:
    text = load_summary(_loaded(is_new=True))
    head, entries, addresses, _ = text.splitlines()
    assert head == (
        "OFAC SDN: new version 0193a5b0-0000-7000-8000-000000000001, issued 2025-11-19 "
        "(279 entries, ofac-advanced-xml)"
    )
    assert entries == "  entries: 279 added, 1 removed, 0 changed"
    assert addresses == "  addresses: 758 added, 90 removed"
    assert "0x" not in text  # the addresses themselves are for --json


def test_an_unchanged_file_says_nothing_was_stored() -> None:
    text = load_summary(_loaded(is_new=False))
    assert text == (
        "OFAC SDN: unchanged, the same file as version 0193a5b0-0000-7000-8000-000000000001, "
        "issued 2025-11-19 (279 entries); nothing stored"
    )


def test_json_carries_the_full_diff() -> None:
    document = loaded_as_json(_loaded(is_new=True))
    assert document["removed"] == ("39796",)
    assert len(document["addresses_removed"]) == 90  # type: ignore[arg-type]
    assert document["diff"] == {
        "added": 279,
        "removed": 1,
        "changed": 0,
        "addresses_added": 758,
        "addresses_removed": 90,
    }
