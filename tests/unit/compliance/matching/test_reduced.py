"""A surname and initials read by the list name's structure: the Russian e written "Ye" or "E"
in an initial and a surname in another Russian romanisation (issue 14 §4, sixteenth round),
with names made up for the test."""

from __future__ import annotations

from tests.unit.compliance.list_of_names import matcher_of


def test_an_initial_e_stands_for_a_given_name_written_ye() -> None:
    hit = matcher_of("SEMENOVA, Yelena Petrovna").screen("E. P. Semenova")
    assert hit is not None
    assert hit.entry_uid == "1"


def test_a_surname_in_another_russian_romanisation_with_initials() -> None:
    # Semyonova and Semenova are one Cyrillic spelling (Семёнова) in two systems.
    hit = matcher_of("SEMENOVA, Yelena Petrovna").screen("Y. P. Semyonova")
    assert hit is not None
    assert hit.entry_uid == "1"
    # One initial alone is every Yelena and Yuri Semyonov(a): the surname must be as listed.
    assert matcher_of("SEMENOVA, Yelena Petrovna").screen("Y. Semyonova") is None


def test_a_surname_near_only_by_letters_is_still_not_read_with_initials() -> None:
    # Semenko is another surname: one doubt (the initials) is all this reading allows.
    assert matcher_of("SEMENOVA, Yelena Petrovna").screen("Y. P. Semenko") is None


def test_another_romanisation_counts_only_for_a_russian_name() -> None:
    # An Arabic name has no patronymic: its surname with initials is still read as listed only.
    assert matcher_of("MAHMOUD, Ali Hassan").screen("A. Mahmud") is None
    hit = matcher_of("MAHMOUD, Ali Hassan").screen("A. Mahmoud")
    assert hit is not None
    assert hit.entry_uid == "1"
