"""Slavic feminine surnames in -ska and -skaya as one name (issue 14 §4, sixteenth round), with
names made up for the test."""

from __future__ import annotations

from onramp.compliance.matching.feminine import feminine_keys
from tests.unit.compliance.list_of_names import matcher_of


def test_ukrainian_and_polish_ska_is_russian_skaya() -> None:
    assert feminine_keys("lubenska") == feminine_keys("lubenskaya") != frozenset()
    assert feminine_keys("kowalska") == feminine_keys("kovalskaya")
    assert feminine_keys("zaritska") == feminine_keys("zaritskaya")
    hit = matcher_of("LUBENSKAYA, Elena Viktorovna").screen("Olena Lubenska")
    assert hit is not None
    assert hit.entry_uid == "1"


def test_the_masculine_form_has_no_feminine_key() -> None:
    assert feminine_keys("lubensky") == feminine_keys("lubenskiy") == frozenset()
    assert matcher_of("LUBENSKAYA, Elena Viktorovna").screen("Oleg Lubensky") is None
