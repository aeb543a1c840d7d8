"""Slavic surnames of one stem with other family suffixes are other families (issue 14 §4,
sixteenth round), with names made up for the test."""

from __future__ import annotations

import pytest

from onramp.compliance.matching.slavic import other_family
from onramp.compliance.normalise import name_tokens
from tests.unit.compliance.list_of_names import matcher_of


def _other(first: str, second: str) -> bool:
    return other_family(name_tokens(first)[0], name_tokens(second)[0])


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Sidorov", "Sidorenko"),
        ("Kotelev", "Kotelevsky"),
        ("Volkin", "Volkovsky"),
        ("Zubov", "Zubarov"),
        ("Lapina", "Lapinova"),
    ],
)
def test_another_suffix_or_stem_is_another_family(first: str, second: str) -> None:
    assert _other(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Kovalev", "Kovalyov"),
        ("Lukashenko", "Lukashenka"),
        ("Granovsky", "Granovskiy"),
        ("Sergeyev", "Sergeev"),
        ("Tahsin", "Tahsen"),  # no Slavic suffix on one side: a vowel
    ],
)
def test_spellings_of_one_suffix_are_one_family(first: str, second: str) -> None:
    assert not _other(first, second)


def test_a_shared_given_name_and_patronymic_with_another_family_is_not_hit() -> None:
    listed = "KOTELEVSKY, Andrey Ivanovich"
    assert matcher_of(listed).screen("Andrey Ivanovich Kotelev") is None
    assert matcher_of("SIDORENKO, Pavel Olegovich").screen("Pavel Olegovich Sidorov") is None
    hit = matcher_of(listed).screen("Andrei Ivanovich Kotelevskiy")
    assert hit is not None
    assert hit.entry_uid == "1"
