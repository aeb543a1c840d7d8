"""Russian romanisations read back to one key (issue 14 §4, fifth round), with names of the tuning
sets only (the fourth held-out set is tuning data since that round; the fifth is never used)."""

from __future__ import annotations

import pytest

from onramp.compliance.lists import EntryType, ListEntry, SanctionsList
from onramp.compliance.matcher import NameMatcher
from onramp.compliance.matching.russian import russian_keys


def _one_person(name: str) -> NameMatcher:
    entry = ListEntry(uid="1", list_name="test", entry_type=EntryType.INDIVIDUAL, primary_name=name)
    return NameMatcher(SanctionsList(source="test", format="test", issued=None, entries=(entry,)))


@pytest.mark.parametrize(
    ("listed", "written"),
    [
        ("yevgeniy", "jewgeni"),  # BGN / German
        ("yevgeniy", "evgueni"),  # BGN / French gu before e
        ("evgenii", "yevgeniy"),  # ICAO / BGN: the doubled и once
        ("sergeyevna", "sergueievna"),  # BGN ye / French ie
        ("sergeevna", "sergejewna"),  # ICAO / German je and w
        ("pavlyuk", "pawljuk"),  # German w and ju (read before any Arabic rule)
        ("ryauzov", "rjausow"),  # German ja, s for з, w
        ("yuryevich", "jurjewitsch"),  # German tsch
        ("lechkhadzhiev", "letschchadschijew"),  # German tsch ch and dsch
        ("shapetska", "schapezka"),  # German sch and z for ц
        ("anastasiya", "anastasia"),  # the и of the iotation
        ("gennadiy", "hennadii"),  # the Ukrainian national system's h for г
    ],
)
def test_romanisations_share_a_key(listed: str, written: str) -> None:
    assert russian_keys(listed) & russian_keys(written)


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("zhang", "jang"),  # a four-letter word has no French or German reading
        ("ahmed", "hamed"),  # another name
        ("mikhail", "mikhailov"),  # another word
    ],
)
def test_other_words_keep_apart(word: str, other: str) -> None:
    assert not russian_keys(word) & russian_keys(other)


@pytest.mark.parametrize(
    ("belarusian", "russian"),
    [
        ("shapetska", "shapetko"),  # ць for ть
        ("davydzka", "davydko"),  # дз for д
        ("hara", "gora"),  # a four-letter word: the national h for г, akanne
    ],
)
def test_belarusian_soft_t_and_d_and_short_words_read_as_russian(
    belarusian: str, russian: str
) -> None:
    assert russian_keys(belarusian) & russian_keys(russian)


def test_letters_one_system_spells_alike_are_one() -> None:
    # German sch is ж and ш, BGN's y is й and ы: the tables say so, not a list.
    assert russian_keys("schukow") & russian_keys("zhukov")
    assert russian_keys("novitskiy") & russian_keys("nowizki")


@pytest.mark.parametrize(
    ("listed", "written"),
    [
        ("PAVLYUK, Mikhail Ilyich", "Michail Pawljuk"),
        ("RYAUZOV, Denis Yuryevich", "Denis Jurjewitsch Rjausow"),
        ("LECHKHADZHIEV, Ruslan Abdulvakhiyevich", "Ruslan Letschchadschijew"),
        ("SHAPETSKA, Yauhen Andreevich", "Jauhen Schapezka"),
    ],
)
def test_the_matcher_hears_one_name(listed: str, written: str) -> None:
    hit = _one_person(listed).screen(written)
    assert hit is not None, written
    assert hit.entry_name == listed
