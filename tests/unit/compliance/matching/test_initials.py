"""Russian initials of two letters ("Yu.", "Ye.", "Zh.") read as one-letter initials (issue 14
§4, sixteenth round), with names made up for the test."""

from __future__ import annotations

import pytest

from onramp.compliance.matching.initials import spelled_initials
from tests.unit.compliance.list_of_names import matcher_of


def test_two_letter_initials_become_their_first_letter() -> None:
    assert spelled_initials("B. Yu. Sorokin") == "B. Y. Sorokin"
    assert spelled_initials("Zh. I. Morozova") == "Z. I. Morozova"
    assert spelled_initials("Kh.M. Dadayev") == "K.M. Dadayev"


def test_two_letters_without_a_period_are_a_word() -> None:
    # Korean and Chinese names have words Yu and Ye of their own.
    assert spelled_initials("Yu Chol Min") == "Yu Chol Min"
    assert spelled_initials("Kim Ye Jin") == "Kim Ye Jin"


@pytest.mark.parametrize(
    ("listed", "screened"),
    [
        ("SOROKIN, Boris Yurievich", "B. Yu. Sorokin"),
        ("SOROKIN, Yuri Borisovich", "Yu. B. Sorokin"),
        ("MOROZOV, Pavel Yevgenyevich", "P. Ye. Morozov"),
    ],
)
def test_a_surname_with_two_letter_initials_is_the_listed_name(listed: str, screened: str) -> None:
    hit = matcher_of(listed).screen(screened)
    assert hit is not None
    assert hit.entry_uid == "1"


def test_initials_of_other_given_names_are_not_hit() -> None:
    assert matcher_of("SOROKIN, Boris Yurievich").screen("B. Zh. Sorokin") is None
    assert matcher_of("SOROKIN, Boris Yurievich").screen("Sh. Yu. Sorokin") is None
