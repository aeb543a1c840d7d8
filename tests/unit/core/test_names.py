from __future__ import annotations

import pytest

from onramp.core.names import comparable_name, name_match_score


def test_comparable_names_drop_case_accents_punctuation_and_honorifics() -> None:
    assert comparable_name("  Dr. José  ÁLVAREZ-Pérez ") == "jose alvarez perez"
    assert comparable_name("Mrs O'Brien") == "o brien"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Test Customer", "CUSTOMER, Test"),
        ("José Álvarez", "ALVAREZ JOSE"),
        ("Mr John Smith", "john smith"),
    ],
)
def test_the_same_person_as_banks_write_them(a: str, b: str) -> None:
    assert name_match_score(a, b) >= 95


@pytest.mark.parametrize(("a", "b"), [("Test Customer", "Acme Trading Ltd"), ("Ann Lee", "Bo Ek")])
def test_different_people(a: str, b: str) -> None:
    assert name_match_score(a, b) < 60
