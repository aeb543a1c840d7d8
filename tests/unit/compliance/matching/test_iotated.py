"""A first j, y or i before a vowel as one letter (German "Juri", English "Yuri"; issue 14 §4,
sixteenth round), with names made up for the test."""

from __future__ import annotations

from onramp.compliance.matching.iotated import iotated_keys
from tests.unit.compliance.list_of_names import matcher_of


def test_german_j_is_english_y_before_a_vowel() -> None:
    assert iotated_keys("juri") == iotated_keys("yuri") == iotated_keys("iouri") != frozenset()
    assert iotated_keys("jakow") == iotated_keys("yakov")
    hit = matcher_of("TOKAREV, Yuri Petrovich").screen("Juri Tokarew")
    assert hit is not None
    assert hit.entry_uid == "1"


def test_spanish_juan_is_not_chinese_yuan() -> None:
    assert iotated_keys("juan") == frozenset()
    assert iotated_keys("ivan") == frozenset()  # i before a consonant
