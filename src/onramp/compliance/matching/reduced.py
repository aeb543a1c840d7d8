"""A name reduced to its surname and initials ("K. Paananen", "Paananen K.", "V. N. Terentiev"):
how customers sign forms and banks print an ordering party.

The alignment (``align.py``) needs two words paired, so one surname and an initial never make a
name close there ("J. Peijnenburg" is not "PEIJNENBURG, Alex"). This rule reads such a name by
the list name's own structure instead: every full word of the screened name is a surname word of
the list name, written as the list writes it (accents and case aside), its first surname at
least (a second surname left out costs as in ``align.py``); and the initials, written together
before or after the surname, are the first letters of the list name's given names in order, the
first of them first. The score is 100 less ``_COST_ONE`` for a single initial or ``_COST_MORE``
for two or more: just above the threshold (88), as an initial is weak evidence.

What keeps it from hitting everyone: the surname must be spelled exactly as listed (a surname
spelled another way is a second doubt on top of the initial; only the same Russian name, one
with a patronymic, in another romanisation after two initials is the same spelling: "E. V.
Afanasyeva" / "AFANASEVA, Yelena Vladimirovna"),
be at least ``_MIN_SURNAME`` letters long and have two syllables or more (the one-syllable
surnames, Wang, Zhang, Kim, Park, Khan, Smith, and the short ones are the world's commonest:
"W. Zhang" is millions of people).
A list name that does not say which words are its surnames is not read so.
"""

from __future__ import annotations

import re

from onramp.compliance.matching.patronymic import patronymic_keys
from onramp.compliance.matching.russian import russian_keys
from onramp.compliance.normalise import NameForm

_COST_ONE = 10.0
_COST_MORE = 8.0
_PER_MISSING_SECOND = 5.0
_MIN_SURNAME = 5
_MIN_SYLLABLES = 2
_VOWEL_RUN = re.compile("[aeiouy]+")


def surname_and_initials(query: NameForm, name: NameForm) -> float:
    """The score of ``query`` read as ``name``'s surname and initials, or 0 when it is not."""
    full = [word for word in query.words if len(word) > 1]
    initials = [i for i, word in enumerate(query.words) if len(word) == 1]
    if not full or not initials or not name.surnames or not name.given:
        return 0.0
    count = len(query.words)
    if initials not in (list(range(len(initials))), list(range(count - len(initials), count))):
        return 0.0  # the initials stand together, before or after the surname
    letters = [query.words[i] for i in initials]
    given = [_initial_letters(name.words[j]) for j in name.given]
    if letters[0] not in given[0] or not _in_order(letters[1:], given[1:]):
        return 0.0
    # Another romanisation of a Russian surname only with both initials, the patronymic's too
    # ("E. V. Afanasyeva"): "A. Zaitsev" alone is every Aleksey or Anna Zaytsev.
    russian = len(initials) > 1 and any(patronymic_keys(name.words[j]) for j in name.given)
    found = _surnames_written(full, name, russian=russian)
    if found is None:
        return 0.0
    missing = len(name.surnames) - len(found)
    cost = _COST_ONE if len(initials) == 1 else _COST_MORE
    return 100.0 - cost - _PER_MISSING_SECOND * missing


def _surnames_written(words: list[str], name: NameForm, *, russian: bool) -> set[int] | None:
    """The surname words of ``name`` that ``words`` are, each once; None when a word is not one
    or not ``_distinctive``, or when the first surname is left out (unless the name's surnames
    are one of two: ``NameForm.second_surnames``)."""
    found: set[int] = set()
    for word in words:
        same = [
            j
            for j in name.surnames
            if j not in found and _same_surname(word, name.words[j], russian=russian)
        ]
        if not same or not _distinctive(word):
            return None
        found.add(same[0])
    first = name.surnames[0]
    if first not in found and first not in name.second_surnames:
        return None
    return found


def _distinctive(surname: str) -> bool:
    """Long enough and of two syllables or more: not one of the commonest surnames."""
    return len(surname) >= _MIN_SURNAME and len(_VOWEL_RUN.findall(surname)) >= _MIN_SYLLABLES


def _same_surname(written: str, listed: str, *, russian: bool) -> bool:
    """The surname as listed, or for a Russian name (``russian``: one with a patronymic, read
    with two initials) the same name in another romanisation (one Cyrillic spelling read back:
    "Afanasyeva" / "Afanaseva"), never a spelling by letters: an Arabic "Mahmud" is not
    "Mahmoud" so."""
    if written == listed:
        return True
    return russian and bool(russian_keys(written) & russian_keys(listed))


def _initial_letters(word: str) -> str:
    """The letters an initial of ``word`` may be: its first, and for a Russian е written "ye"
    ("Yelena", "Yevgenyevich") the "e" that passports write too ("E. V. Afanasyeva")."""
    return word[:1] + ("e" if word.startswith("ye") else "")


def _in_order(letters: list[str], given: list[str]) -> bool:
    """Whether ``letters`` are initials of ``given`` (``_initial_letters``) in the same order
    (some left out)."""
    rest = iter(given)
    return all(any(letter in g for g in rest) for letter in letters)


__all__ = ["surname_and_initials"]
