"""Name normalisation rules of issue 14 §4's sixteenth round: the spellings of the title Maulvi,
and the names after "bin" at the head of a listed surname as a father's names, with names made
up for the test."""

from __future__ import annotations

import pytest

from onramp.compliance.normalise import name_form, name_tokens
from tests.unit.compliance.list_of_names import matcher_of


@pytest.mark.parametrize("title", ["Maulvi", "Maulawi", "Mawlawi", "Moulvi"])
def test_spellings_of_maulvi_are_one_title_and_dropped(title: str) -> None:
    assert name_tokens(f"{title} Rahmatullah") == name_tokens("Rahmatullah")


def test_a_one_word_name_with_its_title_is_found_without_it() -> None:
    matcher = matcher_of("RAHMATULLAH, Maulawi")
    for screened in ("Maulvi Rehmatullah", "Rahmat Ullah"):
        hit = matcher.screen(screened)
        assert hit is not None
        assert hit.entry_uid == "1"
    assert matcher.screen("Rahmatullah Khan") is None  # another word: another person


def test_names_after_bin_at_the_head_of_a_surname_are_middle_names() -> None:
    form = name_form("BIN SALEH NAJIB AL-HARIRI, Omar")
    assert form.middles == {0, 1}
    assert 2 not in form.middles  # the family name itself
    hit = matcher_of("BIN SALEH NAJIB AL-HARIRI, Omar").screen("Omar Hariri")
    assert hit is not None
    assert hit.entry_uid == "1"
    assert matcher_of("BIN SALEH NAJIB AL-HARIRI, Omar").screen("Omar Saleh") is None
