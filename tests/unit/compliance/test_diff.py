"""Diffs between list issues: the Tornado Cash delisting shows as removed addresses."""

from __future__ import annotations

from pathlib import Path

from onramp.compliance.diff import diff_lists
from onramp.compliance.lists import load_list

DATA = Path(__file__).resolve().parents[2] / "data" / "ofac"


def test_tornado_cash_delisting() -> None:
    march = load_list(DATA / "sdn_advanced_tornado_cash_2025-03-04.xml")
    november = load_list(DATA / "sdn_advanced_subset.xml")
    diff = diff_lists(march, november)
    assert diff.removed == ("39796",)
    removed_eth = [a for cur, a in diff.addresses_removed if cur == "ETH"]
    assert len(removed_eth) == 90
    assert len(diff.added) == 279
    assert diff.changed == ()
    # The 2025-03-04 published ETH list holds exactly those 90 beyond today's 77, minus 14 new.
    then = {x.strip().lower() for x in (DATA / "sanctioned_addresses_ETH_2025-03-04.txt").open()}
    now = {x.strip().lower() for x in (DATA / "sanctioned_addresses_ETH.txt").open()}
    assert set(removed_eth) == then - now - {""}


def test_first_load_adds_everything_and_a_reload_changes_nothing() -> None:
    tiny = load_list(DATA / "legacy_csv_tiny")
    first = diff_lists(None, tiny)
    assert len(first.added) == 17
    assert first.removed == ()
    again = diff_lists(tiny, load_list(DATA / "legacy_csv_tiny"))
    assert again.summary() == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "addresses_added": 0,
        "addresses_removed": 0,
    }
